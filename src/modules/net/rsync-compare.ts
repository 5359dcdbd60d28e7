// synchronize's prediction when the ssh way between the two hosts is not there yet (its key is
// made by an earlier step of the run, which --check does not take): both sides are listed with
// `rsync --list-only` over tsplay's own connections, with the task's filters, and compared name by
// name as rsync's quick check does (type, permissions, size, time to the second, link target).
// Owners are not listed, so an owner-only difference is not predicted.
import { argv, quote } from '../../connection/quote.js'
import { ArgError } from '../../errors.js'
import { shlexSplit } from '../core/shlex.js'
import { baseOf, joinPath } from '../files/paths.js'
import type { ModuleContext } from '../module.js'
import { read } from '../read.js'
import type { SyncArgs } from './rsync-command.js'

/** The `-i` key file of ssh_command: the way between the hosts exists only when it does. */
export function identityFile(sshCommand: string): string | undefined {
  let words: string[]
  try {
    words = shlexSplit(sshCommand, 'ssh_command', 'ssh_command')
  } catch (e) {
    if (e instanceof ArgError) return undefined
    throw e
  }
  for (let i = 0; i < words.length; i++) {
    if (words[i] === '-i') return words[i + 1]
    if (words[i]!.startsWith('-i') && words[i]!.length > 2) return words[i]!.slice(2)
  }
  return undefined
}

/** Printed instead of the dry run's output when the key is missing. */
export const NO_WAY = 'tsplay-synchronize-no-way'

/** The dry run, or NO_WAY when the key file is missing on the host rsync runs on. */
export function dryRunOrNoWay(dryRun: string, key: string): string {
  // ssh reads ~/ as the home of the user it runs as: so does the test.
  const path = key.startsWith('~/') ? `"$HOME"/${quote(key.slice(2))}` : quote(key)
  return `if [ -e ${path} ]; then ${dryRun}; else echo ${NO_WAY}; fi`
}

/** rsync_opts the comparison knows: filters (a protect rule only keeps dest files from --delete). */
const FILTER = /^--(filter|exclude|include)=/
const PLAIN = new Set(['--recursive', '-r'])

/** The two listing commands (src side, dest side), or why the sides cannot be compared. */
export function listCommands(args: SyncArgs): { src: string; dest: string } | { cannot: string } {
  const opts = args.rsync_opts ?? []
  const odd = opts.find((o) => !FILTER.test(o) && !PLAIN.has(o))
  if (odd !== undefined) return { cannot: `not predicted: the copy's way to ${args.src_host} is made during the run, and ${odd} cannot be compared without it` }
  const recursive = args.archive ? args.recursive !== false : args.recursive === true || opts.some((o) => PLAIN.has(o))
  const links = args.links ?? args.archive
  const base = ['rsync', '--list-only', '--no-human-readable', ...(recursive ? ['--recursive'] : ['--dirs']), ...(links ? ['--links'] : []), ...(args.exclude ?? []).map((p) => `--exclude=${p}`)]
  // Protected files are never deleted: left out of the dest listing, they are not "to delete".
  const srcFilters = opts.filter((o) => FILTER.test(o) && !/^--filter=(P|protect)[ ,]/.test(o))
  const destFilters = opts.filter((o) => FILTER.test(o)).map((o) => o.replace(/^--filter=(P|protect)([ ,])/, '--filter=-$2'))
  // rsync copies "src" into dest/<name> and "src/" into dest: list the same names on both sides.
  const dest = args.src.endsWith('/') ? args.dest : joinPath(args.dest, baseOf(args.src))
  // Times in UTC, whatever the hosts' time zones; a missing dest lists nothing.
  return {
    src: `TZ=UTC ${argv([...base, ...srcFilters, '--', args.src])}`,
    dest: `if [ -e ${quote(dest)} ]; then TZ=UTC ${argv([...base, ...destFilters, '--', args.src.endsWith('/') ? `${dest.replace(/\/*$/, '')}/` : dest])}; fi`,
  }
}

interface Entry {
  perms: string
  size: string
  time: string
}

/** `-rw-r--r--          1234 2023/11/15 10:00:00 name` lines by name (a link's name keeps `-> target`). */
function entries(listing: string): Map<string, Entry> {
  const out = new Map<string, Entry>()
  for (const line of listing.split('\n')) {
    const m = /^(\S{10})\s+(\d+) (\S+ \S+) (.*)$/.exec(line)
    if (!m) continue
    let name = m[4]!
    let perms = m[1]!
    if (perms.startsWith('l')) {
      // The target is part of what must match.
      const at = name.indexOf(' -> ')
      if (at >= 0) [name, perms] = [name.slice(0, at), `${perms} ${name.slice(at + 4)}`]
    }
    out.set(name, { perms, size: m[2]!, time: m[3]! })
  }
  return out
}

/** What a copy would change, as lines like rsync's itemized ones: from the two listings. */
export function compareListings(args: SyncArgs, src: string, dest: string): string[] {
  const want = entries(src)
  const have = entries(dest)
  const perms = args.perms ?? args.archive
  const times = args.times ?? args.archive
  const out: string[] = []
  for (const [name, w] of want) {
    const h = have.get(name)
    if (!h) out.push(`would create ${name}`)
    else if (w.perms[0] !== h.perms[0] || (w.perms.startsWith('l') && w.perms !== h.perms)) out.push(`would replace ${name}`)
    else if (w.perms[0] === '-' && (w.size !== h.size || (times && w.time !== h.time))) out.push(`would update ${name}`)
    else if ((perms && w.perms !== h.perms) || (times && w.perms[0] === 'd' && w.time !== h.time)) out.push(`would update attributes of ${name}`)
  }
  if (args.delete) for (const name of have.keys()) if (!want.has(name)) out.push(`would delete ${name}`)
  return out
}

/** List src on src_host and dest on the task host, and compare; or say why they cannot be. */
export async function compareSides(args: SyncArgs, ctx: ModuleContext): Promise<{ dryRun: string[]; cannot?: string; compared?: true }> {
  const cmds = listCommands(args)
  if ('cannot' in cmds) return { dryRun: [], cannot: cmds.cannot }
  const srcConn = await ctx.connectionTo(args.src_host!)
  const [src, dest] = await Promise.all([read(ctx, cmds.src, { conn: srcConn, what: `listing ${args.src} on ${args.src_host}` }), read(ctx, cmds.dest, { what: `listing ${args.dest}` })])
  return { dryRun: compareListings(args, src.stdout, dest.stdout), compared: true }
}
