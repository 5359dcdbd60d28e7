// The by-name comparison of large Maildir folders, done between the two hosts: an rsync dry run on
// the destination against the source (--ignore-existing --delete, names only, nothing copied)
// sends the source's file list straight from host to host, and only the difference comes back:
// what the source has and this host lacks, and the reverse. maildir_mirror feeds the two lists to
// the same mirrorSteps as listed names (names both sides share are equal messages: a Maildir file
// never changes content), so a 995,000-message folder costs its changes through the controller.
import { argv } from '../../connection/quote.js'
import type { ModuleContext } from '../module.js'
import { read } from '../read.js'
import { ITEM_PREFIX } from '../net/rsync-command.js'
import { parseRsync } from '../net/rsync-output.js'
import { dryRunOrNoWay, identityFile, NO_WAY } from '../net/rsync-compare.js'
import type { FolderNames } from './maildir_list.js'

/** How the destination reaches the source with rsync (maildir_pull's source and ssh_command). */
export interface CompareFrom {
  source: string
  ssh_command: string
  rsync_timeout?: number
}

/** rsync's %n escapes unprintable bytes as \#ooo: back to the name's UTF-8. */
export function unescapeName(s: string): string {
  if (!s.includes('\\#')) return s
  const bytes: number[] = []
  for (let i = 0; i < s.length; i++) {
    const m = /^\\#([0-7]{3})/.exec(s.slice(i, i + 5))
    if (m) {
      bytes.push(parseInt(m[1]!, 8))
      i += 4
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

/** The dry run's report → per folder, the entries ('cur/NAME', 'new/NAME') only the source has
 * (`there`) and only this host has (`here`). Paths are relative to /, as listed. */
export function splitDifference(stdout: string, folders: string[]): { there: Record<string, FolderNames>; here: Record<string, FolderNames> } {
  const there: Record<string, FolderNames> = {}
  const here: Record<string, FolderNames> = {}
  for (const f of folders) {
    there[f] = { dirs: ['cur', 'new'], entries: [] }
    here[f] = { dirs: ['cur', 'new'], entries: [] }
  }
  const place = (rel: string, into: Record<string, FolderNames>): void => {
    const parts = unescapeName(rel).split('/')
    if (parts.length < 3) return
    const name = parts.pop()!
    const sub = parts.pop()!
    const list = into[`/${parts.join('/')}`]
    if (list && (sub === 'cur' || sub === 'new') && name !== '') list.entries.push(`${sub}/${name}`)
  }
  const report = parseRsync(stdout)
  for (const d of report.deleted) place(d, here)
  for (const item of report.changed) if (item.startsWith('>f')) place(item.slice(12), there)
  return { there, here }
}

/** The rsync dry run comparing the cur/ and new/ of `folders` here with the source's. */
export function compareCommand(from: CompareFrom): string {
  // A folder removed on the source meanwhile (a pass while mail flows) is compared as empty.
  const w = ['rsync', '--dry-run', '--recursive', '--ignore-existing', '--ignore-missing-args', '--delete', `--out-format=${ITEM_PREFIX}%i %n`, '--files-from=-', '--from0']
  if (from.rsync_timeout) w.push(`--timeout=${from.rsync_timeout}`)
  w.push('--rsh', from.ssh_command, '--', `${from.source}:/`, '/')
  return argv(w)
}

/** Runs the comparison on this host (read only: a dry run). Without the ssh way's key (--check,
 * where the one-off key is not made) nothing can be compared: `compared` is false. */
export async function compareOnHosts(ctx: ModuleContext, folders: string[], from: CompareFrom): Promise<{ there: Record<string, FolderNames>; here: Record<string, FolderNames>; compared: boolean }> {
  if (folders.length === 0) return { there: {}, here: {}, compared: true }
  const list = folders.flatMap((f) => [`${f.slice(1)}/cur\0`, `${f.slice(1)}/new\0`]).join('')
  const key = identityFile(from.ssh_command)
  const cmd = key === undefined ? compareCommand(from) : dryRunOrNoWay(compareCommand(from), key)
  const r = await read(ctx, cmd, { stdin: list, what: `comparing ${folders.length} large Maildir folders with ${from.source} (rsync --dry-run)` })
  if (r.stdout.trim() === NO_WAY) return { there: {}, here: {}, compared: false }
  return { ...splitDifference(r.stdout, folders), compared: true }
}
