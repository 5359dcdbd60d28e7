// account_facts: the accounts a mail host serves, read in one go: each user's uid, primary group,
// supplementary groups, home and shell, the groups they need (primary, and supplementary ones
// in the uid range), each user's password hash kept apart, and optionally the aliases file.
// Reads only, so it runs in --check as in a real run.
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { colonRows, readState, SECTION, sections } from './common.js'

export interface AccountFactsArgs {
  names: string[]
  uid_min: number
  uid_max: number
  aliases_file: string | null
}

export interface AccountFactsState {
  passwd: string
  group: string
  shadow: string
  /** base64 of the aliases file, null when it does not exist (or was not asked for). */
  aliases: string | null
}

export interface Account {
  name: string
  uid: number
  gid: number
  group: string
  comment: string
  home: string
  shell: string
  groups: string[]
}

export interface Accounts {
  users: Account[]
  groups: Array<{ name: string; gid: number }>
  /** name → password hash ('' when shadow has none); apart, so listing users never shows one. */
  hashes: Record<string, string>
  names: string[]
  /** Asked-for names this host does not have. */
  missing: string[]
  aliases: string | null
}

/** Pure: the accounts in the uid range (or the asked names) and the groups they need. */
export function accounts(args: AccountFactsArgs, st: AccountFactsState): Accounts {
  const inRange = (id: number) => id >= args.uid_min && id <= args.uid_max
  const want = new Set(args.names)
  const groupRows = colonRows(st.group).map(([name = '', , gid = '', members = '']) => ({ name, gid: Number(gid), members: members.split(',').filter(Boolean) }))
  const gname = new Map<number, string>()
  for (const g of groupRows) if (!gname.has(g.gid)) gname.set(g.gid, g.name)
  const hash = new Map(colonRows(st.shadow).map(([name = '', h = '']) => [name, h]))
  const need = new Set<string>()
  const users: Account[] = []
  for (const [name = '', , uid = '', gid = '', comment = '', home = '', shell = ''] of colonRows(st.passwd)) {
    if (!name || !(want.size > 0 ? want.has(name) : inRange(Number(uid)))) continue
    const primary = gname.get(Number(gid)) ?? gid
    need.add(primary)
    const groups = groupRows.filter((g) => g.members.includes(name) && g.gid !== Number(gid))
    for (const g of groups) if (inRange(g.gid)) need.add(g.name)
    users.push({ name, uid: Number(uid), gid: Number(gid), group: primary, comment, home, shell, groups: groups.map((g) => g.name) })
  }
  const seen = new Set<string>()
  const groups = groupRows.filter((g) => need.has(g.name) && !seen.has(g.name) && seen.add(g.name)).map((g) => ({ name: g.name, gid: g.gid }))
  const names = users.map((u) => u.name)
  return {
    users,
    groups,
    hashes: Object.fromEntries(names.map((n) => [n, hash.get(n) ?? ''])),
    names,
    missing: args.names.filter((n) => !names.includes(n)),
    aliases: st.aliases,
  }
}

export const accountFacts = defineModule<AccountFactsArgs, AccountFactsState>({
  name: 'account_facts',
  description: "Read a host's mail accounts: users with uid/gid/groups/home/shell, the groups they need, password hashes apart, the aliases file.",
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      names: { type: 'array', items: { type: 'string' }, default: [], description: 'Read these users (all must exist: see `missing`); empty reads every user in the uid range.' },
      uid_min: { type: 'integer', default: 1000, description: 'Lowest uid (and gid) of the mail accounts.' },
      uid_max: { type: 'integer', default: 59999, description: 'Highest uid (and gid) of the mail accounts.' },
      aliases_file: { type: ['string', 'null'], default: null, description: 'Also read this aliases file (base64 in `aliases`, null when it does not exist).' },
    },
  },
  example: ['- name: Read the mail accounts of the old server', '  account_facts:', '    uid_min: 2000', '    uid_max: 2999', '    aliases_file: /etc/aliases', '  no_log: true', '  register: old_accounts'].join('\n'),

  async gather(args, ctx) {
    const aliases = args.aliases_file === null ? 'echo N' : sh`if [ -f ${args.aliases_file} ]; then echo Y; base64 -w0 < ${args.aliases_file}; echo; else echo N; fi`
    const out = await readState(ctx, `getent passwd\necho ${SECTION}\ngetent group\necho ${SECTION}\ngetent shadow\necho ${SECTION}\n${aliases}`, 'the accounts')
    const [passwd = '', group = '', shadow = '', al = ''] = sections(out, 4)
    const [flag, b64 = ''] = al.split('\n')
    return { passwd, group, shadow, aliases: flag === 'Y' ? b64 : null }
  },

  plan(args, state) {
    const data = accounts(args, state)
    return { changes: [], data: { ...data }, reason: `${data.users.length} users, ${data.groups.length} groups read` }
  },
})
