// maildir_list: Maildirs by folder without reading a message: each folder's cur/ and new/
// directory mtimes (ns) and sizes, which folders changed since an earlier listing saved on the
// host, and the file names of chosen folders (large ones are left to maildir_mirror's comparison
// on the hosts). The eyes of the Maildir-aware final sync (roles/mail-sync).
import { TsplayError } from '../../errors.js'
import { sh } from '../../connection/quote.js'
import type { OutputStream } from '../../connection/connection.js'
import { defineModule, type ModuleContext } from '../module.js'
import { read } from '../read.js'

export interface MaildirListArgs {
  maildirs: string[]
  since_file?: string
  slack: number
  names_of_changed: boolean
  names_max_bytes: number
  names_of?: string[]
  save?: string
}

/** A folder's cur/ and new/ mtimes, `seconds.nanoseconds` as find's %T@ prints them. */
export interface FolderTimes {
  cur?: string
  new?: string
}

/** What `save` writes and `since_file` reads. */
export interface MaildirRecord {
  /** The host's clock (`date +%s.%N`) just before the mtimes were read. */
  taken_at: string
  folders: Record<string, FolderTimes>
}

export interface MaildirListState extends MaildirRecord {
  since?: MaildirRecord
  /** Folder → the sizes of its cur/ and new/ directory inodes together (grows with the entries). */
  sizes: Record<string, number>
  /** Folder → its entries, 'cur/NAME' or 'new/NAME'; `dirs` says which of cur/new exist. */
  names: Record<string, FolderNames>
}

export interface FolderNames {
  dirs: string[]
  entries: string[]
}

/** Folders of `now` sorted by what an earlier record says of them: untracked (not both cur/ and
 * new/ in the record and now), changed (an mtime differs, or was within `slack` seconds of the
 * record: a change in the same clock tick leaves the mtime as recorded), or unchanged. */
export function sortFolders(now: Record<string, FolderTimes>, since: MaildirRecord | undefined, slack: number): { changed: string[]; unchanged: string[]; untracked: string[] } {
  const out = { changed: [] as string[], unchanged: [] as string[], untracked: [] as string[] }
  const racyFrom = since ? Number(since.taken_at) - slack : 0
  for (const [folder, t] of Object.entries(now).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const s = since?.folders[folder]
    if (!s?.cur || !s.new || !t.cur || !t.new) out.untracked.push(folder)
    else if (s.cur !== t.cur || s.new !== t.new || Number(s.cur) >= racyFrom || Number(s.new) >= racyFrom) out.changed.push(folder)
    else out.unchanged.push(folder)
  }
  return out
}

/** On the host: $1 the record to read ('' for none), then the Maildirs. Prints the record, NUL,
 * the clock, NUL, then "MTIME SIZE PATH\0" per cur/ and new/ directory (Maildir++: the root's and
 * each top-level folder's), never reading inside cur/, new/ or tmp/. */
const TIMES_SCRIPT = `set -u
f=$1; shift
if [ -n "$f" ] && [ -r "$f" ]; then cat -- "$f"; fi
printf '\\0'; date +%s.%N | tr -d '\\n'; printf '\\0'
for m in "$@"; do
  [ -d "$m" ] || continue
  find "$m" -mindepth 1 -maxdepth 2 -type d \\( -name cur -o -name new \\) -printf '%T@ %s %p\\0' -prune -o -name tmp -prune || exit 1
done`

/** On the host: per folder "dFOLDER\0", "DSUB\0" for each of cur/new that exists, then
 * "fSUB/NAME\0" per message file (names only: no file is opened or stat'ed). */
const NAMES_SCRIPT = `set -u
for d in "$@"; do
  printf 'd%s\\0' "$d"
  for s in cur new; do
    [ -d "$d/$s" ] || continue
    printf 'D%s\\0' "$s"
    find "$d/$s" -mindepth 1 -maxdepth 1 -type f -printf "f$s/%f\\0" || exit 1
  done
done`

/** Splits NUL-terminated records as chunks stream in (a changed folder of a million messages is
 * ~60 MB of names, never joined into one string). */
export class NulReader {
  private rest = ''
  constructor(private readonly onRecord: (r: string) => void) {}
  push(chunk: string): void {
    const text = this.rest + chunk
    let at = 0
    for (let nul = text.indexOf('\0'); nul !== -1; nul = text.indexOf('\0', at)) {
      this.onRecord(text.slice(at, nul))
      at = nul + 1
    }
    this.rest = text.slice(at)
  }
  end(): void {
    if (this.rest !== '') this.onRecord(this.rest)
    this.rest = ''
  }
}

/** Runs `cmd`, handing each NUL-terminated record of its stdout to `onRecord` as it streams. */
async function readRecords(ctx: ModuleContext, cmd: string, what: string, onRecord: (r: string) => void): Promise<void> {
  const reader = new NulReader(onRecord)
  let streamed = false
  const onOutput = (stream: OutputStream, chunk: string): void => {
    if (stream !== 'stdout') return
    streamed = true
    reader.push(chunk)
  }
  const r = await read(ctx, cmd, { onOutput, what })
  if (!streamed) reader.push(r.stdout)
  reader.end()
}

/** The entries of each folder's cur/ and new/ (absent folders have no dirs and no entries). */
export async function listNames(ctx: ModuleContext, folders: string[]): Promise<Record<string, FolderNames>> {
  const names: Record<string, FolderNames> = {}
  if (folders.length === 0) return names
  let cur: FolderNames | undefined
  await readRecords(ctx, sh`bash -c ${NAMES_SCRIPT} maildir_list ${folders}`, 'listing Maildir folders', (r) => {
    const tag = r.charCodeAt(0)
    if (tag === 100 /* d */) names[r.slice(1)] = cur = { dirs: [], entries: [] }
    else if (tag === 68 /* D */) cur?.dirs.push(r.slice(1))
    else if (tag === 102 /* f */) cur?.entries.push(r.slice(1))
  })
  return names
}

/** A folder too large to list its names through the controller (0: no folder is). */
function isLarge(folder: string, sizes: Record<string, number>, max: number): boolean {
  return max > 0 && (sizes[folder] ?? 0) > max
}

/** A record read back from the host, or undefined when there is none or it is not one. */
function parseRecord(text: string): MaildirRecord | undefined {
  if (text.trim() === '') return undefined
  try {
    const r = JSON.parse(text) as MaildirRecord
    return typeof r?.taken_at === 'string' && typeof r.folders === 'object' && r.folders !== null ? r : undefined
  } catch {
    return undefined
  }
}

export const maildirList = defineModule<MaildirListArgs, MaildirListState>({
  name: 'maildir_list',
  description: "List Maildir folders by their cur/new directories' mtimes (no message is read), which changed since a saved listing, and chosen folders' file names.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['maildirs'],
    properties: {
      maildirs: { type: 'array', items: { type: 'string', pattern: '^/' }, description: "Maildir roots (Maildir++: the root's cur/new and each .Folder's); missing ones are skipped." },
      since_file: { type: 'string', pattern: '^/', description: 'A listing saved earlier on this host with `save`: folders are sorted into changed, unchanged and untracked against it (missing file: every folder is untracked).' },
      slack: { type: 'number', minimum: 0, default: 2, description: "Seconds before the saved listing's time within which a recorded mtime counts as changed (a change in the same clock tick as the listing keeps the mtime)." },
      names_of_changed: { type: 'boolean', default: false, description: 'Also list the file names in the changed folders.' },
      names_max_bytes: { type: 'integer', minimum: 0, default: 0, description: "With names_of_changed: a changed folder whose cur/ and new/ directories are larger than this (bytes of the directory inodes, which grow with the entries: ~1 MiB for ~15,000 messages) is not listed but returned in large_changed_folders, for maildir_mirror to compare on the hosts (0: list every changed folder)." },
      names_of: { type: 'array', items: { type: 'string', pattern: '^/' }, description: 'Folders (a Maildir root or root/.Folder) whose file names are listed.' },
      save: { type: 'string', pattern: '^/', description: "Write this listing (the time and every folder's mtimes, no names) to this file on the host, for a later since_file." },
    },
  },
  example: `- maildir_list:
    maildirs: [/home/alice/Maildir]
    save: /var/lib/tsplay/maildir-presync.json
# later
- maildir_list:
    maildirs: [/home/alice/Maildir]
    since_file: /var/lib/tsplay/maildir-presync.json
    names_of_changed: true
  register: old_state     # old_state.changed_folders: folders changed since; old_state.names: their files`,

  async gather(args, ctx) {
    const parts: string[] = []
    // Without trailing slashes: find prints each path as its starting point plus '/cur'.
    const maildirs = args.maildirs.map((m) => m.replace(/\/+$/, '') || '/')
    await readRecords(ctx, sh`bash -c ${TIMES_SCRIPT} maildir_list ${args.since_file ?? ''} ${maildirs}`, 'reading Maildir folder times', (r) => parts.push(r))
    if (parts.length < 2) throw new TsplayError(`maildir_list: no listing came back from ${ctx.host}`)
    const since = parseRecord(parts[0]!)
    const folders: Record<string, FolderTimes> = {}
    const sizes: Record<string, number> = {}
    for (const line of parts.slice(2)) {
      const sp = line.indexOf(' ')
      const sp2 = line.indexOf(' ', sp + 1)
      const path = line.slice(sp2 + 1)
      const slash = path.lastIndexOf('/')
      const sub = path.slice(slash + 1) as 'cur' | 'new'
      const folder = path.slice(0, slash)
      ;(folders[folder] ??= {})[sub] = line.slice(0, sp)
      sizes[folder] = (sizes[folder] ?? 0) + Number(line.slice(sp + 1, sp2))
    }
    const wanted = new Set(args.names_of ?? [])
    if (args.names_of_changed) for (const f of sortFolders(folders, since, args.slack).changed) if (!isLarge(f, sizes, args.names_max_bytes)) wanted.add(f)
    const names = await listNames(ctx, [...wanted])
    return { taken_at: parts[1]!, folders, sizes, names, ...(since ? { since } : {}) }
  },

  plan(args, state) {
    const sorted = sortFolders(state.folders, state.since, args.slack)
    const record: MaildirRecord = { taken_at: state.taken_at, folders: state.folders }
    const count = Object.values(state.names).reduce((n, f) => n + f.entries.length, 0)
    const large = args.names_of_changed ? sorted.changed.filter((f) => isLarge(f, state.sizes, args.names_max_bytes)) : []
    const summary = `${Object.keys(state.folders).length} folders: ${sorted.changed.length} changed, ${sorted.unchanged.length} unchanged, ${sorted.untracked.length} untracked${state.since ? '' : ' (no earlier listing)'}; ${count} names listed${large.length ? `; ${large.length} large changed folders left to compare on the hosts` : ''}`
    // Not `changed`: a registered result's `changed` is the task's own verdict.
    const data = { ...record, changed_folders: sorted.changed, unchanged_folders: sorted.unchanged, untracked_folders: sorted.untracked, large_changed_folders: large, names: state.names, names_count: count, since_found: state.since !== undefined, msg: summary }
    if (args.save === undefined) return { changes: [], data, reason: summary }
    return { changes: [{ kind: 'put', path: args.save, content: JSON.stringify(record) + '\n', mode: '0600' }], data, msg: `${summary}; saved to ${args.save}` }
  },
})
