// account_check: compare a plan of accounts (account_facts' users and groups, read on the source)
// with this host's /etc/passwd and /etc/group before anything changes: a uid or gid held here by
// another name, a name here with another id, or a group a user needs that neither the plan nor
// this host has. Reads only, so it runs in --check as in a real run; the clashes are returned,
// the role decides to stop.
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { colonRows, readState, SECTION, sections } from './common.js'

export interface AccountCheckArgs {
  users: Array<{ name: string; uid: number; group: string; groups: string[] }>
  groups: Array<{ name: string; gid: number }>
  source: string
}

export interface AccountCheckState {
  passwd: string
  group: string
}

/** Pure: the clashes, users and groups in plan order first, then the groups nobody has. */
export function clashes(args: AccountCheckArgs, st: AccountCheckState, here: string): string[] {
  const byId = (rows: string[][]) => new Map(rows.map(([name = '', , id = '']) => [Number(id), name]))
  const byName = (rows: string[][]) => new Map(rows.map(([name = '', , id = '']) => [name, Number(id)]))
  const [pw, gr] = [colonRows(st.passwd), colonRows(st.group)]
  const [uidName, userUid, gidName, groupGid] = [byId(pw), byName(pw), byId(gr), byName(gr)]
  const src = args.source
  const out: string[] = []
  for (const u of args.users) {
    const holder = uidName.get(u.uid)
    if (holder !== undefined && holder !== u.name) out.push(`uid ${u.uid} is ${u.name} on ${src} but ${holder} on ${here}`)
    else if (userUid.has(u.name) && userUid.get(u.name) !== u.uid) out.push(`user ${u.name} is uid ${u.uid} on ${src} but uid ${userUid.get(u.name)} on ${here}`)
  }
  for (const g of args.groups) {
    const holder = gidName.get(g.gid)
    if (holder !== undefined && holder !== g.name) out.push(`gid ${g.gid} is group ${g.name} on ${src} but group ${holder} on ${here}`)
    else if (groupGid.has(g.name) && groupGid.get(g.name) !== g.gid) out.push(`group ${g.name} is gid ${g.gid} on ${src} but gid ${groupGid.get(g.name)} on ${here}`)
  }
  const planned = new Set(args.groups.map((g) => g.name))
  for (const u of args.users) {
    for (const g of [u.group, ...u.groups]) {
      if (!planned.has(g) && !groupGid.has(g)) out.push(`group ${g} (a group of ${u.name} on ${src}, gid outside the mail range) does not exist on ${here}`)
    }
  }
  return out
}

const user = {
  type: 'object',
  required: ['name', 'uid', 'group'],
  properties: {
    name: { type: 'string', description: 'User name.' },
    uid: { type: 'integer', description: 'Its uid on the source.' },
    group: { type: 'string', description: 'Its primary group.' },
    groups: { type: 'array', items: { type: 'string' }, default: [], description: 'Its supplementary groups.' },
  },
}

export const accountCheck = defineModule<AccountCheckArgs, AccountCheckState>({
  name: 'account_check',
  description: "Compare planned users and groups (account_facts' users and groups) with this host's accounts: ids held by other names, names with other ids, missing groups.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['users', 'groups', 'source'],
    properties: {
      users: { type: 'array', items: user, description: "The planned users (account_facts' users: name, uid, group, groups; other keys are ignored)." },
      groups: {
        type: 'array',
        items: { type: 'object', required: ['name', 'gid'], properties: { name: { type: 'string', description: 'Group name.' }, gid: { type: 'integer', description: 'Its gid on the source.' } } },
        description: "The planned groups (account_facts' groups: name, gid).",
      },
      source: { type: 'string', minLength: 1, description: 'Name of the host the plan was read on (in the messages).' },
    },
  },
  example: `- name: Compare the mail users read on old (account_facts) with this host's accounts
  account_check:
    users: [{ name: alice, uid: 2001, group: alice }]
    groups: [{ name: alice, gid: 2001 }]
    source: old
  register: check

- fail:
    msg: "{{ join check.clashes '; ' }}"
  when: check.clashes | length > 0`,

  async gather(_args, ctx) {
    const [passwd = '', group = ''] = sections(await readState(ctx, sh`cat /etc/passwd; echo ${SECTION}; cat /etc/group`, 'the accounts of this host'), 2)
    return { passwd, group }
  },

  plan(args, state, ctx) {
    const found = clashes(args, state, ctx.host)
    const data = { clashes: found }
    if (found.length === 0) return { changes: [], data, reason: `no clash between the ${args.users.length} users and ${args.groups.length} groups of ${args.source} and ${ctx.host}` }
    return { changes: [], data, reason: `${found.length} clash(es) between ${args.source} and ${ctx.host}`, msg: found.join('; ') }
  },
})
