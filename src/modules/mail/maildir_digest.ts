// maildir_digest: per mailbox, how many messages and a sha256 of each one's content, keyed by
// folder + unique name (Maildir flags and the new/ → cur/ move ignored), and a comparison with
// an earlier digest (old's, frozen at cutover) that lists what is missing or differs.
import { sh } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import { defineModule } from '../module.js'

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
  const messages: Record<string, string> = {}
  for (const rec of out.split('\0')) {
    const m = /^\\?([0-9a-f]{64}) [ *](.+)$/s.exec(rec.replace(/^\n/, ''))
    if (!m) continue
    const key = messageKey(m[2]!)
    if (key) messages[key] = m[1]!
  }
  return messages
}

/** './.Archive.2023/cur/123.M4P5.host,S=9:2,RS' → '.Archive.2023/123.M4P5.host,S=9'. */
export function messageKey(path: string): string | undefined {
  const parts = path.replace(/^\.\//, '').split('/')
  if (parts.length < 2 || !['cur', 'new'].includes(parts[parts.length - 2]!)) return undefined
  const folder = parts.length === 2 ? '.' : parts.slice(0, -2).join('/')
  const base = parts[parts.length - 1]!.replace(/:2,[^/]*$/, '')
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

const SCRIPT = `cd "$1" 2>/dev/null || { echo NOMAILDIR; exit 0; }
find . -type f \\( -path '*/cur/*' -o -path '*/new/*' \\) ! -path '*/tmp/*' -print0 | sort -z | xargs -0 -r sha256sum -z --`

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
      const r = await ctx.conn.exec(sh`getent passwd ${u}`, { become: ctx.become, signal: ctx.signal })
      const home = r.stdout.split(':')[5]
      // A user missing here has no mailbox: every message of it counts as missing.
      dirs[u] = r.rc !== 0 || !home ? '' : `${home.replace(/\/$/, '')}/${args.maildir.replace(/^\/+/, '')}`
    }
    for (const [name, dir] of Object.entries(dirs)) {
      if (dir === '') {
        mailboxes[name] = { exists: false, count: 0, messages: {} }
        continue
      }
      const r = await ctx.conn.exec(sh`bash -c ${SCRIPT} maildir_digest ${dir}`, { become: ctx.become, signal: ctx.signal })
      if (r.rc !== 0) throw new TsplayError(`Cannot read Maildir ${dir}: ${r.stderr.trim() || `exit code ${r.rc}`}`)
      const exists = !r.stdout.startsWith('NOMAILDIR')
      const messages = exists ? parseDigest(r.stdout) : {}
      mailboxes[name] = { exists, count: Object.keys(messages).length, messages }
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
