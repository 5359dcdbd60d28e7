// maildir_mirror: on the destination, make the changed folders of a source's maildir_list match
// it by name (a message file never changes content, a flag change is a rename): renames here
// what the source renamed, deletes what it no longer has (never mail this host delivered), and
// writes the lists of two rsyncs: the missing messages (--files-from), then everything else
// (--files-from the roots, recursed with --delete, --exclude-from the cur/ and new/ handled here:
// neither walked nor deleted in). One rsync cannot do both: a receiver since rsync 3.2.5 rejects
// a listed file below an excluded directory. Large folders are compared between the hosts
// (maildir-compare.ts), so their names never travel through the controller.
import { sh } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import { defineModule, type Change } from '../module.js'
import { listNames, type FolderNames } from './maildir_list.js'
import { compareOnHosts, type CompareFrom } from './maildir-compare.js'

export interface MaildirMirrorArgs {
  source: { changed_folders: string[]; unchanged_folders: string[]; large_changed_folders?: string[]; names: Record<string, FolderNames> }
  compare_from?: CompareFrom
  rsync_timeout: number
  protect: string[]
  roots: string[]
  files_from: string
  rest_from: string
  exclude_from: string
}

export interface MaildirMirrorState {
  names: Record<string, FolderNames>
  /** Large folders, compared between the hosts: what only the source has, what only this host has. */
  largeThere: Record<string, FolderNames>
  largeHere: Record<string, FolderNames>
  /** False without the way to the source (--check): the large folders' steps are unknown. */
  largeCompared: boolean
}

export interface MirrorSteps {
  renames: Array<[string, string]>
  deletes: string[]
  /** Messages missing here, relative to / for rsync --files-from. */
  copies: string[]
  /** cur/ or new/ folders missing here (absolute): not excluded, so the rsync copies them whole. */
  missingDirs: string[]
}

/** A Maildir file's unique part: the name before ':2,' (the flags), without 'cur/' or 'new/'. */
export function uniquePart(entry: string): string {
  const name = entry.slice(entry.indexOf('/') + 1)
  const flags = name.indexOf(':2,')
  return flags === -1 ? name : name.slice(0, flags)
}

/** A file delivered by one of `hosts` (its name ends in '.HOST', or has '.HOST,' or '.HOST:'):
 * the rsync protect filters `P *.HOST` and `P *.HOST[,:]*` exactly, which keep mail delivered on
 * the destination from the final --delete. */
export function isProtected(entry: string, hosts: string[]): boolean {
  const name = entry.slice(entry.lastIndexOf('/') + 1)
  return hosts.some((h) => name.endsWith(`.${h}`) || name.includes(`.${h},`) || name.includes(`.${h}:`))
}

/** What turns `here` into `there` for each folder, by unique part. */
export function mirrorSteps(there: Record<string, FolderNames>, here: Record<string, FolderNames>, protect: string[]): MirrorSteps {
  const steps: MirrorSteps = { renames: [], deletes: [], copies: [], missingDirs: [] }
  for (const [folder, src] of Object.entries(there)) {
    const dst = here[folder] ?? { dirs: [], entries: [] }
    const missing = new Set(src.dirs.filter((d) => !dst.dirs.includes(d)))
    for (const d of missing) steps.missingDirs.push(`${folder}/${d}`)
    const byKey = new Map<string, string[]>()
    for (const e of dst.entries) {
      const k = uniquePart(e)
      const list = byKey.get(k)
      if (list) list.push(e)
      else byKey.set(k, [e])
    }
    for (const e of src.entries) {
      const have = byKey.get(uniquePart(e))
      if (!have) {
        if (!missing.has(e.slice(0, 3))) steps.copies.push(`${folder}/${e}`.slice(1))
        continue
      }
      byKey.delete(uniquePart(e))
      const exact = have.indexOf(e)
      if (exact === -1) steps.renames.push([`${folder}/${have.shift()!}`, `${folder}/${e}`])
      else have.splice(exact, 1)
      // More files with the same unique part here: the stale copies of an earlier name.
      for (const extra of have) if (!isProtected(extra, protect)) steps.deletes.push(`${folder}/${extra}`)
    }
    for (const rest of byKey.values()) for (const e of rest) if (!isProtected(e, protect)) steps.deletes.push(`${folder}/${e}`)
  }
  return steps
}

/** rsync's anchored exclude for one directory below a transfer root. A name with a wildcard
 * character is escaped (rsync only reads backslashes in patterns that have one). */
export function anchoredDir(rel: string): string {
  const p = /[*?[]/.test(rel) ? rel.replace(/[*?[\\]/g, '\\$&') : rel
  return `/${p}/`
}

/** The cur/ and new/ of `folders` but `missingDirs`, as rsync excludes anchored at the transfer
 * root `/`, NUL-terminated for --exclude-from with --from0. */
export function excludes(folders: string[], missingDirs: string[] = []): string {
  const missing = new Set(missingDirs)
  return folders.flatMap((f) => ['cur', 'new'].map((sub) => `${f}/${sub}`)).filter((d) => !missing.has(d)).map((d) => `${anchoredDir(d.slice(1))}\0`).join('')
}

/** Renames read as NUL-separated pairs from stdin: one process for any number of them. */
const RENAME = `local $/ = "\\0"; while (defined(my $f = <STDIN>)) { my $t = <STDIN>; chomp $f; chomp $t; rename($f, $t) or die "rename $f: $!\\n" }`

const nul = (xs: string[]): string => xs.map((x) => `${x}\0`).join('')

const sample = (xs: string[]): string => (xs.length > 200 ? [...xs.slice(0, 200), `... ${xs.length - 200} more`] : xs).join('\n')

export const maildirMirror = defineModule<MaildirMirrorArgs, MaildirMirrorState>({
  name: 'maildir_mirror',
  description: "Make the changed Maildir folders of a source's maildir_list match it by name here (renames, deletions but never this host's deliveries) and write what is missing as an rsync --files-from list.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['source', 'roots', 'files_from', 'rest_from', 'exclude_from'],
    properties: {
      source: { type: 'object', required: ['changed_folders', 'unchanged_folders', 'names'], description: "The source's maildir_list result (names_of_changed: true): its changed folders are mirrored, its unchanged ones left alone; its large_changed_folders (names_max_bytes) are compared between the hosts with compare_from." },
      compare_from: {
        type: 'object',
        additionalProperties: false,
        required: ['source', 'ssh_command'],
        properties: {
          source: { type: 'string', pattern: '^[^\\s:/]+$', description: 'The source as ssh reaches it.' },
          ssh_command: { type: 'string', minLength: 1, description: 'Remote shell for rsync (--rsh).' },
        },
        description: "How this host reaches the source with rsync, to compare the large changed folders by name with a dry run straight between the hosts (only the difference comes back).",
      },
      rsync_timeout: { type: 'integer', minimum: 0, default: 0, description: "compare_from's rsync --timeout in seconds (0: none)." },
      protect: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' }, default: [], description: "Host names whose deliveries are never deleted (Maildir names end in the delivering host's name)." },
      roots: { type: 'array', items: { type: 'string', pattern: '^/' }, description: 'The folders the second rsync copies recursively (with --delete), written to rest_from.' },
      files_from: { type: 'string', pattern: '^/', description: 'Where the missing messages are written for rsync --files-from --from0 (relative to /, NUL-terminated).' },
      rest_from: { type: 'string', pattern: '^/', description: 'Where the roots are written for the second rsync (--files-from --from0 --recursive).' },
      exclude_from: { type: 'string', pattern: '^/', description: "Where the cur/ and new/ of the source's changed and unchanged folders are written for rsync --exclude-from --from0 (anchored at /)." },
    },
  },
  example: `- maildir_mirror:
    source: "{{ old_state }}"   # maildir_list on old (since_file, names_of_changed: true), registered
    protect: [new, new.example.test]
    roots: [/home/alice/Maildir/]
    files_from: /root/sync/files-from
    rest_from: /root/sync/rest-from
    exclude_from: /root/sync/exclude`,

  async gather(args, ctx) {
    const large = args.source.large_changed_folders ?? []
    if (large.length && !args.compare_from) throw new TsplayError(`maildir_mirror: ${large.length} large changed folders (${large[0]}...) need compare_from to be compared between the hosts`)
    const [names, { there, here, compared }] = await Promise.all([listNames(ctx, args.source.changed_folders.filter((f) => !large.includes(f))), compareOnHosts(ctx, large, { ...args.compare_from!, rsync_timeout: args.rsync_timeout })])
    return { names, largeThere: there, largeHere: here, largeCompared: compared }
  },

  plan(args, state) {
    // Large folders: only each side's difference is known, which is all mirrorSteps needs.
    const steps = mirrorSteps({ ...args.source.names, ...state.largeThere }, { ...state.names, ...state.largeHere }, args.protect)
    const changes: Change[] = [
      { kind: 'put', path: args.exclude_from, content: excludes([...args.source.changed_folders, ...args.source.unchanged_folders], steps.missingDirs), mode: '0600' },
      { kind: 'put', path: args.rest_from, content: nul(args.roots.map((r) => r.slice(1))), mode: '0600' },
      { kind: 'put', path: args.files_from, content: nul(steps.copies), mode: '0600' },
    ]
    if (steps.renames.length) changes.push({ kind: 'exec', cmd: sh`perl -e ${RENAME}`, stdin: nul(steps.renames.flat()) })
    if (steps.deletes.length) changes.push({ kind: 'exec', cmd: 'xargs -0 -r rm -f --', stdin: nul(steps.deletes) })
    const large = args.source.large_changed_folders?.length ?? 0
    const msg = `${args.source.changed_folders.length} changed folders (${large ? `${large} large, ${state.largeCompared ? 'compared between the hosts' : 'not compared: no way to the source yet'}; ` : ''}${args.source.unchanged_folders.length} unchanged, skipped): ${steps.renames.length} renamed, ${steps.deletes.length} deleted, ${steps.copies.length} to copy${steps.missingDirs.length ? `, ${steps.missingDirs.length} cur/new folders missing here (copied whole)` : ''}`
    const diff = [{ path: 'Maildir folders changed on the source', before: '', after: [sample(steps.renames.map(([a, b]) => `rename ${a} -> ${b}`)), sample(steps.deletes.map((d) => `delete ${d}`)), sample(steps.copies.map((c) => `copy /${c}`))].filter((s) => s !== '').join('\n') + '\n' }]
    return { changes, diff, msg, data: { renamed: steps.renames.length, deleted: steps.deletes.length, copy_count: steps.copies.length, msg } }
  },
})
