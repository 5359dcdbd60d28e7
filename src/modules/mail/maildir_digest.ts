// maildir_digest: per mailbox, how many messages and a sha256 of each one's content (or only
// their names), keyed by folder + unique name (Maildir flags and the new/ → cur/ move ignored),
// and a comparison with an earlier digest or another host's that lists what is missing or differs.
import type { Connection, OutputStream } from '../../connection/connection.js'
import { sh } from '../../connection/quote.js'
import { defineModule, type ModuleContext } from '../module.js'
import { read } from '../read.js'
import { compare, DigestParser, type MailboxComparison, type MailboxDigest } from './maildir-digest-parse.js'

export { compare, DigestParser, messageKey, parseDigest, type MailboxComparison, type MailboxDigest } from './maildir-digest-parse.js'

export interface MaildirDigestArgs {
  mailboxes?: Record<string, string>
  users?: string[]
  maildir: string
  compare_to?: Record<string, MailboxDigest>
  compare_host?: string
  by: 'content' | 'name'
  fail_on_missing: boolean
}

type Mailboxes = Record<string, MailboxDigest & { exists: boolean }>

export interface MaildirDigestState {
  mailboxes: Mailboxes
  /** compare_host's mailboxes, read at the same time. */
  other?: Mailboxes
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

/** By name (`by: name`): the same files, "./path\0" each, nothing opened. */
export const NAMES_SCRIPT = `cd "$1" 2>/dev/null || { echo NOMAILDIR; exit 0; }
find . -type f \\( -path '*/cur/*' -o -path '*/new/*' \\) ! -path '*/tmp/*' -print0`

export const maildirDigest = defineModule<MaildirDigestArgs, MaildirDigestState>({
  name: 'maildir_digest',
  description: 'Count the messages of Maildirs and checksum each one (flags ignored), or list their names; compare with an earlier digest or another host.',
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
      compare_host: {
        type: 'string',
        description: "An inventory host whose same mailboxes are read at the same time and compared as compare_to is (every message there must be here); the result then keeps counts, not the messages.",
      },
      by: {
        enum: ['content', 'name'],
        default: 'content',
        description: "content: sha256 of every message. name: only the names (nothing opened; a message with other flags, or moved from new/ to cur/, counts as differing).",
      },
      fail_on_missing: { type: 'boolean', default: true, description: 'With compare_to or compare_host, fail when a message is missing or differs.' },
    },
  },
  example: `- maildir_digest:
    mailboxes: { alice: /home/alice/Maildir }
  delegate_to: old
  register: before
- maildir_digest:
    mailboxes: { alice: /home/alice/Maildir }
    compare_to: "{{ before.mailboxes }}"    # fails unless "0 messages missing"
- maildir_digest:                           # both hosts read at once, by name only
    mailboxes: { alice: /home/alice/Maildir }
    compare_host: old
    by: name
    fail_on_missing: false`,

  // Both hosts are read at once: each one's hashing is mostly waiting on its disk.
  async gather(args, ctx) {
    const [mailboxes, other] = await Promise.all([
      readMailboxes(args, ctx, ctx.conn),
      args.compare_host === undefined ? undefined : ctx.connectionTo(args.compare_host).then((conn) => readMailboxes(args, ctx, conn, args.compare_host)),
    ])
    return other === undefined ? { mailboxes } : { mailboxes, other }
  },

  plan(args, state) {
    // Compared with another host, the result keeps counts only (a million names or hashes would
    // be hundreds of MB in every event and report).
    const slim = args.compare_host !== undefined
    const mailboxes: Record<string, MailboxDigest | { count: number }> = {}
    for (const [name, m] of Object.entries(state.mailboxes)) mailboxes[name] = slim ? { count: m.count } : { count: m.count, messages: m.messages }
    const counts = Object.entries(mailboxes).map(([n, m]) => `${n} ${m.count}`).join(', ')
    const before = state.other ?? args.compare_to
    if (!before) return { changes: [], data: { mailboxes }, reason: `messages: ${counts || 'no mailboxes'}` }
    const comparison: Record<string, MailboxComparison> = {}
    for (const name of new Set([...Object.keys(before), ...Object.keys(state.mailboxes)])) {
      comparison[name] = compare(before[name], state.mailboxes[name])
    }
    const missing = Object.values(comparison).reduce((n, c) => n + c.missing_count, 0)
    const changed = Object.values(comparison).reduce((n, c) => n + c.changed_count, 0)
    const differ = args.by === 'name' ? 'renamed (flags or new/ → cur/)' : 'differ'
    const per = Object.entries(comparison).map(([n, c]) => `${n} ${c.before}→${c.after}${c.missing_count ? ` (${c.missing_count} missing)` : ''}${c.changed_count ? ` (${c.changed_count} ${args.by === 'name' ? 'renamed' : 'differ'})` : ''}`)
    const msg = `${missing} messages missing, ${changed} ${differ}; ${per.join(', ')}`
    const data = { mailboxes, comparison, missing_count: missing, differ_count: changed, msg }
    if (args.fail_on_missing && missing + changed > 0) {
      const first = Object.entries(comparison).flatMap(([n, c]) => [...c.missing, ...c.changed].map((k) => `${n}: ${k}`)).slice(0, 10)
      return { changes: [], data, failed: `${msg}\n${first.join('\n')}` }
    }
    return { changes: [], data, msg, reason: msg }
  },
})

/** One host's mailboxes (args.mailboxes, and users' homes read there), each streamed through
 * the parser: sha256 of every message, or only its name with `by: name`. */
async function readMailboxes(args: MaildirDigestArgs, ctx: ModuleContext, conn: Connection, on?: string): Promise<Mailboxes> {
  const mailboxes: Mailboxes = {}
  const dirs: Record<string, string> = { ...(args.mailboxes ?? {}) }
  for (const u of args.users ?? []) {
    const r = await read(ctx, sh`getent passwd ${u}`, { okCodes: 'any', conn })
    const home = r.stdout.split(':')[5]
    // A user missing here has no mailbox: every message of it counts as missing.
    dirs[u] = r.rc !== 0 || !home ? '' : `${home.replace(/\/$/, '')}/${args.maildir.replace(/^\/+/, '')}`
  }
  const script = args.by === 'name' ? NAMES_SCRIPT : DIGEST_SCRIPT
  for (const [name, dir] of Object.entries(dirs)) {
    if (dir === '') {
      mailboxes[name] = { exists: false, count: 0, messages: {} }
      continue
    }
    // Parsed as it streams in; r.stdout is only read when the connection did not stream.
    const parser = new DigestParser(args.by === 'name')
    let head = ''
    let streamed = false
    const label = on === undefined ? name : `${name} on ${on}`
    const onOutput = (stream: OutputStream, chunk: string): void => {
      if (stream !== 'stdout') return
      streamed = true
      if (head.length < 9) head += chunk.slice(0, 9)
      parser.push(chunk)
      // The count to compare with, when given, is the total this mailbox should reach.
      const total = args.compare_to?.[name]?.count
      ctx.onProgress?.({ label, files: parser.count, ...(typeof total === 'number' ? { totalFiles: total } : {}) })
    }
    const r = await read(ctx, sh`bash -c ${script} maildir_digest ${dir}`, { onOutput, conn, what: `reading Maildir ${dir}${on === undefined ? '' : ` on ${on}`}` })
    if (!streamed) {
      head = r.stdout.slice(0, 9)
      parser.push(r.stdout)
    }
    const exists = !head.startsWith('NOMAILDIR')
    const messages = exists ? parser.end() : {}
    mailboxes[name] = { exists, count: exists ? parser.count : 0, messages }
  }
  return mailboxes
}
