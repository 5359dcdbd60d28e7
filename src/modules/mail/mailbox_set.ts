// mailbox_set: the mailboxes of a mail host, computed once and used alike by the sync, verify and
// the decommission backup: each mail user's ~/Maildir (asked names, or the uid range, wherever the
// home is), root's ~/Maildir, the spool folders that exist; and, for a backup, the homes outside
// /home and the files the aliases deliver to (an archive mbox). Reads only, so it runs in --check.
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'
import { colonRows } from '../system/common.js'

export interface MailboxSetArgs {
  names: string[]
  uid_min: number
  uid_max: number
  spools: string[]
  config_dir: string | null
}

export interface MailboxSetState {
  /** name, home of the mail users then root, in order. */
  users: Array<[string, string]>
  /** The alias files' texts, by path. */
  aliases: Record<string, string>
  /** Of the paths asked about: the folders and the files that exist. */
  dirs: string[]
  files: string[]
}

const MARK = '@@tsplay-mailbox@@'

// $1 uid_min, $2 uid_max, $3 postfix's configuration folder ('' = its own), then the names
// (none: the uid range). Root last.
const USERS = `lo=$1; hi=$2; c=$3; shift 3
if [ $# -gt 0 ]; then for n; do getent passwd "$n"; done
else getent passwd | awk -F: -v lo="$lo" -v hi="$hi" '$3 >= lo && $3 <= hi'; fi
getent passwd root
echo ${MARK}
for a in $(postconf \${c:+-c "$c"} -xh alias_maps 2>/dev/null | tr ',' ' '); do
  case $a in *:/*) a=\${a#*:}; a=\${a#*:};; *) continue;; esac
  [ -f "$a" ] && { echo "${MARK} $a"; cat -- "$a"; }
done
true`
const EXIST = `for p; do if [ -d "$p" ]; then echo "d $p"; elif [ -f "$p" ]; then echo "f $p"; fi; done`

/** The absolute paths an aliases file delivers to (not :include:, not |commands). */
export function aliasTargets(text: string): string[] {
  const out: string[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').replace(/^[^:\s]+\s*:/, ' ')
    for (const t of line.split(',')) {
      const v = t.trim().replace(/^"/, '').replace(/"$/, '')
      if (v.startsWith('/')) out.push(v)
    }
  }
  return out
}

/** The candidate paths whose existence decides the set. */
export function candidates(st: Pick<MailboxSetState, 'users' | 'aliases'>, spools: string[]): string[] {
  const homes = st.users.flatMap(([, home]) => [home, `${home}/Maildir`])
  return [...new Set([...homes, '/root/Maildir', ...spools, ...Object.values(st.aliases).flatMap(aliasTargets)])]
}

export function mailboxSet(st: MailboxSetState, spools: string[]): { mailboxes: Record<string, string>; paths: string[]; backup_extra: string[] } {
  const dirs = new Set(st.dirs)
  const files = new Set(st.files)
  const mailboxes: Record<string, string> = {}
  const paths: string[] = []
  const extra: string[] = []
  const seen = new Set<string>()
  for (const [name, home] of st.users) {
    if (seen.has(name)) continue
    seen.add(name)
    if (home.startsWith('/home/')) {
      // A backup of /home has it.
    } else if (home === '/root') {
      if (dirs.has('/root/Maildir')) extra.push('/root/Maildir/')
    } else if (dirs.has(home)) extra.push(`${home}/`)
    if (!dirs.has(`${home}/Maildir`)) continue
    mailboxes[name] = `${home}/Maildir`
    paths.push(`${home}/Maildir/`)
  }
  for (const s of spools) if (dirs.has(s)) paths.push(`${s.replace(/\/+$/, '')}/`)
  const targets = [...new Set(Object.values(st.aliases).flatMap(aliasTargets))].sort()
  for (const f of targets) if (files.has(f)) extra.push(f)
  return { mailboxes, paths, backup_extra: extra }
}

export const mailboxSetModule = defineModule<MailboxSetArgs, MailboxSetState>({
  name: 'mailbox_set',
  description: "The mailboxes of a mail host: each mail user's and root's ~/Maildir, the spool folders, and for a backup the homes outside /home and the files aliases deliver to.",
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      names: { type: 'array', items: { type: 'string', pattern: '^[^\\s:/]+$' }, default: [], description: 'The mail users (empty: every account in the uid range).' },
      uid_min: { type: 'integer', minimum: 0, default: 1000, description: 'Lowest uid of a mail user (without names).' },
      uid_max: { type: 'integer', minimum: 0, default: 59999, description: 'Highest uid of a mail user (without names).' },
      spools: { type: 'array', items: { type: 'string', pattern: '^/' }, default: [], description: 'Spool folders (mbox, /var/mail): each one that exists is a path of the set.' },
      config_dir: { type: ['string', 'null'], default: null, description: "postfix's configuration folder whose alias_maps name the aliases files (default /etc/postfix; postconf -c)." },
    },
  },
  example: `- name: The mailboxes of old
  mailbox_set:
    uid_min: 1000
    uid_max: 59999
    spools: [/var/mail]
  register: boxes`,

  async gather(args, ctx) {
    const r = await read(ctx, sh`/bin/sh -c ${USERS} mailbox_set ${String(args.uid_min)} ${String(args.uid_max)} ${args.config_dir ?? ''} ${args.names}`, { what: 'reading the mail users and the aliases files' })
    const [pw = '', rest = ''] = r.stdout.split(`${MARK}\n`)
    const users = colonRows(pw).map(([name = '', , , , , home = '']): [string, string] => [name, home]).filter(([n]) => n !== '')
    const aliases: Record<string, string> = {}
    for (const p of rest.split(`${MARK} `).slice(1)) {
      const nl = p.indexOf('\n')
      aliases[nl < 0 ? p : p.slice(0, nl)] = nl < 0 ? '' : p.slice(nl + 1)
    }
    const paths = candidates({ users, aliases }, args.spools)
    const e = await read(ctx, sh`/bin/sh -c ${EXIST} mailbox_set ${paths}`, { what: 'looking for the Maildirs' })
    const lines = e.stdout.split('\n')
    return { users, aliases, dirs: lines.filter((l) => l.startsWith('d ')).map((l) => l.slice(2)), files: lines.filter((l) => l.startsWith('f ')).map((l) => l.slice(2)) }
  },

  plan(args, state) {
    const data = mailboxSet(state, args.spools)
    const n = Object.keys(data.mailboxes).length
    return { changes: [], data, reason: `${n} mailbox${n === 1 ? '' : 'es'}, ${data.paths.length} paths, ${data.backup_extra.length} more for a backup` }
  },
})
