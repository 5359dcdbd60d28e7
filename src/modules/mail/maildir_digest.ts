// maildir_digest: per mailbox, how many messages and a sha256 of each one's content, keyed by
// folder + unique name (Maildir flags and the new/ → cur/ move ignored), and a comparison with
// an earlier digest (old's, frozen at cutover) that lists what is missing or differs.
import type { OutputStream } from '../../connection/connection.js'
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'

export interface MaildirDigestArgs {
  mailboxes?: Record<string, string>
  users?: string[]
  maildir: string
  compare_to?: Record<string, MailboxDigest>
  fail_on_missing: boolean
}

export interface MailboxDigest {
  count: number
  /** 'folder/unique-name' → sha256 of the file ('.' is INBOX). */
  messages: Record<string, string>
}

export interface MaildirDigestState {
  mailboxes: Record<string, MailboxDigest & { exists: boolean }>
}

/** `sha256sum -z` output ("HASH  ./.Sent/cur/NAME:2,S\0"...) → key → hash. */
export function parseDigest(out: string): Record<string, string> {
  const p = new DigestParser()
  p.push(out)
  return p.end()
}

/** The same parse, fed chunk by chunk while the output streams in: a million messages are
 * ~130 MB of output, which is never joined and split as one string. */
export class DigestParser {
  readonly messages: Record<string, string> = {}
  /** Distinct keys so far (Object.keys of a million keys costs ~0.5 s). */
  count = 0
  /** The start of a record cut by the end of the previous chunk. */
  private rest = ''

  push(chunk: string): void {
    const text = this.rest + chunk
    let at = 0
    for (let nul = text.indexOf('\0'); nul !== -1; nul = text.indexOf('\0', at)) {
      this.record(text, at, nul)
      at = nul + 1
    }
    this.rest = text.slice(at)
  }

  end(): Record<string, string> {
    if (this.rest !== '') this.record(this.rest, 0, this.rest.length)
    this.rest = ''
    return this.messages
  }

  private record(text: string, from: number, to: number): void {
    if (text.charCodeAt(from) === 10) from++ // a "\n" left by a non -z line
    if (text.charCodeAt(from) === 92) from++ // "\HASH": sha256sum without -z escaped the name
    // "HASH" (64 hex), a space, then ' ' (text) or '*' (binary), then the path.
    if (to - from < 67) return
    HASH.lastIndex = from
    if (!HASH.test(text)) return
    const key = messageKey(text.slice(from + 66, to))
    if (key === undefined) return
    if (!(key in this.messages)) this.count++
    // A copy: a slice would keep its whole ~64 KB chunk alive as long as the digest.
    this.messages[key] = (' ' + text.slice(from, from + 64)).slice(1)
  }
}

/** 64 lowercase hex digits, a space, then ' ' (text mode) or '*' (binary mode). */
const HASH = /[0-9a-f]{64} [ *]/y

/** './.Archive.2023/cur/123.M4P5.host,S=9:2,RS' → '.Archive.2023/123.M4P5.host,S=9'. */
export function messageKey(path: string): string | undefined {
  const p = path.startsWith('./') ? path.slice(2) : path
  const slash = p.lastIndexOf('/')
  if (slash < 3) return undefined
  const sub = p.slice(slash - 3, slash)
  if ((sub !== 'cur' && sub !== 'new') || (slash > 3 && p.charCodeAt(slash - 4) !== 47)) return undefined
  const folder = slash === 3 ? '.' : p.slice(0, slash - 4)
  let base = p.slice(slash + 1)
  // Flags: from ':2,' to the end (may be empty).
  const flags = base.indexOf(':2,')
  if (flags !== -1) base = base.slice(0, flags)
  return `${folder}/${base}`
}

export interface MailboxComparison {
  before: number
  after: number
  missing: string[]
  changed: string[]
  extra: number
}

export function compare(before: MailboxDigest | undefined, after: MailboxDigest | undefined): MailboxComparison {
  const b = before?.messages ?? {}
  const a = after?.messages ?? {}
  const missing = Object.keys(b).filter((k) => !(k in a)).sort()
  const changed = Object.keys(b).filter((k) => k in a && a[k] !== b[k]).sort()
  const extra = Object.keys(a).filter((k) => !(k in b)).length
  return { before: Object.keys(b).length, after: Object.keys(a).length, missing, changed, extra }
}

/** Hashing processes at once, per CPU: reading a million small files is bound by the latency of
 * each open and read (cold page cache, overlay or network filesystems), not by the CPU, so many
 * readers in flight help far beyond the core count (a 2-core lab host, 1,000,000 files, cold
 * cache: 1 reader 102 s, 16 readers 22–31 s, 32 or 64 no better). */
const READERS_PER_CPU = 8
const MAX_READERS = 64
/** Files per sha256sum: few process starts, yet enough batches to keep every reader busy. */
const BATCH = 2000

/** On the host (bash, $1 = the Maildir): every message file's sha256, "HASH  ./path\0" each, in no
 * particular order (the controller keys them). Batches are hashed in parallel into private files
 * and each finished batch is sent whole under a lock, so records never interleave and the output
 * streams while hashing goes on. Any failure (find, a vanished file, a failed read) exits non-zero. */
export const DIGEST_SCRIPT = `set -o pipefail
cd "$1" 2>/dev/null || { echo NOMAILDIR; exit 0; }
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
n=$(( $(nproc 2>/dev/null || echo 1) * ${READERS_PER_CPU} )); [ "$n" -le ${MAX_READERS} ] || n=${MAX_READERS}
find . -type f \\( -path '*/cur/*' -o -path '*/new/*' \\) ! -path '*/tmp/*' -print0 |
  xargs -0 -r -P "$n" -n ${BATCH} -s 400000 sh -c 'sha256sum -z -- "$@" > "$0/$$"; rc=$?; flock "$0/.lock" cat "$0/$$" || rc=1; rm -f "$0/$$"; exit $rc' "$t"`

export const maildirDigest = defineModule<MaildirDigestArgs, MaildirDigestState>({
  name: 'maildir_digest',
  description: 'Count the messages of Maildirs and checksum each one (flags ignored); compare with an earlier digest.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      users: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' }, description: 'Users whose ~/<maildir> is a mailbox (home read with getent).' },
      maildir: { type: 'string', default: 'Maildir', description: "With users: the Maildir's path inside each home." },
      mailboxes: {
        type: 'object',
        additionalProperties: { type: 'string', pattern: '^/' },
        description: 'Mailbox name → its Maildir path, e.g. { alice: /home/alice/Maildir } (with or instead of users).',
      },
      compare_to: {
        type: 'object',
        description: "An earlier result's `mailboxes` (e.g. old's, frozen at cutover): every message in it must be here with the same content.",
      },
      fail_on_missing: { type: 'boolean', default: true, description: 'With compare_to, fail when a message is missing or differs.' },
    },
  },
  example: `- maildir_digest:
    mailboxes: { alice: /home/alice/Maildir }
  delegate_to: old
  register: before
- maildir_digest:
    mailboxes: { alice: /home/alice/Maildir }
    compare_to: "{{ before.mailboxes }}"    # fails unless "0 messages missing"`,

  async gather(args, ctx) {
    const mailboxes: MaildirDigestState['mailboxes'] = {}
    const dirs: Record<string, string> = { ...(args.mailboxes ?? {}) }
    for (const u of args.users ?? []) {
      const r = await read(ctx, sh`getent passwd ${u}`, { okCodes: 'any' })
      const home = r.stdout.split(':')[5]
      // A user missing here has no mailbox: every message of it counts as missing.
      dirs[u] = r.rc !== 0 || !home ? '' : `${home.replace(/\/$/, '')}/${args.maildir.replace(/^\/+/, '')}`
    }
    for (const [name, dir] of Object.entries(dirs)) {
      if (dir === '') {
        mailboxes[name] = { exists: false, count: 0, messages: {} }
        continue
      }
      // Parsed as it streams in; r.stdout is only read when the connection did not stream.
      const parser = new DigestParser()
      let head = ''
      let streamed = false
      const onOutput = (stream: OutputStream, chunk: string): void => {
        if (stream !== 'stdout') return
        streamed = true
        if (head.length < 9) head += chunk.slice(0, 9)
        parser.push(chunk)
        // The count to compare with, when given, is the total this mailbox should reach.
        const total = args.compare_to?.[name]?.count
        ctx.onProgress?.({ label: name, files: parser.count, ...(typeof total === 'number' ? { totalFiles: total } : {}) })
      }
      const r = await read(ctx, sh`bash -c ${DIGEST_SCRIPT} maildir_digest ${dir}`, { onOutput, what: `reading Maildir ${dir}` })
      if (!streamed) {
        head = r.stdout.slice(0, 9)
        parser.push(r.stdout)
      }
      const exists = !head.startsWith('NOMAILDIR')
      const messages = exists ? parser.end() : {}
      mailboxes[name] = { exists, count: exists ? parser.count : 0, messages }
    }
    return { mailboxes }
  },

  plan(args, state) {
    const mailboxes: Record<string, MailboxDigest> = {}
    for (const [name, m] of Object.entries(state.mailboxes)) mailboxes[name] = { count: m.count, messages: m.messages }
    const counts = Object.entries(mailboxes).map(([n, m]) => `${n} ${m.count}`).join(', ')
    if (!args.compare_to) return { changes: [], data: { mailboxes }, reason: `messages: ${counts || 'no mailboxes'}` }
    const comparison: Record<string, MailboxComparison> = {}
    for (const name of new Set([...Object.keys(args.compare_to), ...Object.keys(mailboxes)])) {
      comparison[name] = compare(args.compare_to[name], mailboxes[name])
    }
    const missing = Object.values(comparison).reduce((n, c) => n + c.missing.length, 0)
    const changed = Object.values(comparison).reduce((n, c) => n + c.changed.length, 0)
    const per = Object.entries(comparison).map(([n, c]) => `${n} ${c.before}→${c.after}${c.missing.length ? ` (${c.missing.length} missing)` : ''}${c.changed.length ? ` (${c.changed.length} differ)` : ''}`)
    const msg = `${missing} messages missing, ${changed} differ; ${per.join(', ')}`
    const data = { mailboxes, comparison, missing_count: missing, differ_count: changed, msg }
    if (args.fail_on_missing && missing + changed > 0) {
      const first = Object.entries(comparison).flatMap(([n, c]) => [...c.missing, ...c.changed].map((k) => `${n}: ${k}`)).slice(0, 10)
      return { changes: [], data, failed: `${msg}\n${first.join('\n')}` }
    }
    return { changes: [], data, msg, reason: msg }
  },
})
