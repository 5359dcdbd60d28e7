// user: make sure a local account exists with the given attributes (useradd/usermod), or not.
import { argv, sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { SECTION, attrDiff, colonRows, readState, sections } from './common.js'
import { parseGroups, type GroupEntry } from './group.js'

export interface UserArgs {
  name: string
  uid?: number
  group?: string
  groups?: string | string[] | null
  append: boolean
  home?: string
  create_home: boolean
  move_home: boolean
  shell?: string
  password?: string
  update_password: 'always' | 'on_create'
  comment?: string
  system: boolean
  state: 'present' | 'absent'
  remove: boolean
  force?: boolean
  non_unique: boolean
}

export interface PasswdEntry {
  name: string
  uid: number
  gid: number
  comment: string
  home: string
  shell: string
}

export interface UserState {
  /** passwd entries named `name` or having uid `uid`. */
  users: PasswdEntry[]
  /** The user's password hash from shadow; null when the user or shadow cannot be read. */
  hash: string | null
  /** Every group (the plan resolves names, membership and the primary group). */
  groups: GroupEntry[]
}

const parsePasswd = (text: string): PasswdEntry[] =>
  colonRows(text).map((f) => ({ name: f[0] ?? '', uid: Number(f[2]), gid: Number(f[3]), comment: f[4] ?? '', home: f[5] ?? '', shell: f[6] ?? '' }))

/** Ansible takes groups as a list or a comma-separated string; '' or [] means "no groups". */
function wantedGroups(g: UserArgs['groups']): string[] | undefined {
  if (g === undefined || g === null) return undefined
  const list = typeof g === 'string' ? g.split(',') : g
  return [...new Set(list.map((x) => x.trim()).filter(Boolean))]
}

function findGroup(groups: GroupEntry[], ref: string): GroupEntry | undefined {
  return groups.find((g) => g.name === ref) ?? (/^\d+$/.test(ref) ? groups.find((g) => g.gid === Number(ref)) : undefined)
}

function describe(u: PasswdEntry, groups: string[], hash: string | null, primary: string): Record<string, string> {
  return { name: u.name, uid: String(u.uid), group: primary, groups: groups.join(','), home: u.home, shell: u.shell, comment: u.comment, password: hash ? '(set)' : '(none)' }
}

export const user = defineModule<UserArgs, UserState>({
  name: 'user',
  description: 'Make sure a local user account exists with the given uid, groups, home, shell and password, or not.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, aliases: ['user'], description: 'Login name of the account.' },
      uid: { type: 'integer', minimum: 0, description: 'User id; a uid used by another account fails the task unless non_unique.' },
      group: { type: 'string', description: 'Primary group (name or gid). Unset: a new user gets a group of its own name, as useradd does.' },
      groups: { type: ['string', 'array', 'null'], items: { type: 'string' }, description: "Supplementary groups (list or comma-separated). Without append the user ends up in exactly these; '' removes all." },
      append: { type: 'boolean', default: false, description: 'Add the groups to the ones the user already has instead of replacing them.' },
      home: { type: 'string', description: 'Home directory.' },
      create_home: { type: 'boolean', default: true, aliases: ['createhome'], description: 'Create the home directory when the user is created (useradd -m).' },
      move_home: { type: 'boolean', default: false, description: 'When home changes, move the old home directory contents there (usermod -m).' },
      shell: { type: 'string', description: 'Login shell.' },
      password: { type: 'string', description: "Password as a crypt hash (as in /etc/shadow), never the clear text. Diffs show only '(changed)'." },
      update_password: { enum: ['always', 'on_create'], default: 'always', description: 'always: set the hash when it differs; on_create: only for new users.' },
      comment: { type: 'string', description: 'The GECOS field (full name).' },
      system: { type: 'boolean', default: false, description: 'Create a system account (uid from the system range) when the user is new.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the account should exist.' },
      remove: { type: 'boolean', default: false, description: 'With state absent: also remove the home directory and mail spool (userdel -r).' },
      force: { type: 'boolean', default: false, description: 'With state absent: remove the account even while the user is logged in, and with remove its files even if not owned by the user (userdel -f).' },
      non_unique: { type: 'boolean', default: false, description: 'Allow a uid that another account already has (-o).' },
    },
  },
  example: `- name: The vmail user owns the mail store
  user:
    name: vmail
    uid: 5000
    group: vmail
    home: /var/vmail
    shell: /usr/sbin/nologin
    system: true`,

  async gather(args, ctx) {
    const script = sh`getent passwd || true; echo ${SECTION}; getent shadow -- ${args.name} 2>/dev/null || true; echo ${SECTION}; getent group || true`
    const [passwd = '', shadow = '', groups = ''] = sections(await readState(ctx, script, `the account database for user ${args.name}`), 3)
    const users = parsePasswd(passwd).filter((u) => u.name === args.name || (args.uid !== undefined && u.uid === args.uid))
    const shadowRow = colonRows(shadow).find((f) => f[0] === args.name)
    return { users, hash: shadowRow ? (shadowRow[1] ?? '') : null, groups: parseGroups(groups) }
  },

  plan(args, state) {
    const current = state.users.find((u) => u.name === args.name)
    const label = `user ${args.name}`
    const memberOf = (name: string): string[] => state.groups.filter((g) => g.members.includes(name)).map((g) => g.name)
    const primaryName = (gid: number): string => state.groups.find((g) => g.gid === gid)?.name ?? String(gid)
    if (args.state === 'absent') {
      if (!current) return { changes: [], reason: `user ${args.name} is already absent` }
      return {
        changes: [{ kind: 'exec', cmd: argv(['userdel', ...(args.remove ? ['-r'] : []), ...(args.force ? ['-f'] : []), '--', args.name]) }],
        diff: [attrDiff(label, describe(current, memberOf(args.name), state.hash, primaryName(current.gid)), null)],
      }
    }
    const other = args.uid === undefined ? undefined : state.users.find((u) => u.uid === args.uid && u.name !== args.name)
    if (other && !args.non_unique) return { changes: [], failed: `uid ${args.uid} is already used by user '${other.name}', cannot give it to user '${args.name}'` }
    // A group that is not there yet (an earlier task of the run makes it; in --check it was only
    // predicted) is passed on by name: useradd/usermod refuse it if it still is not there.
    const primary = args.group === undefined ? undefined : (findGroup(state.groups, args.group) ?? { name: args.group, gid: -1, members: [] })
    const wanted = wantedGroups(args.groups)
    const wantedNames = wanted?.map((g) => findGroup(state.groups, g)?.name ?? g)

    if (!current) {
      const o: Array<string | number> = []
      if (args.uid !== undefined) o.push('-u', args.uid, ...(args.non_unique ? ['-o'] : []))
      if (primary) o.push('-g', primary.name)
      // A group named like the user already exists: useradd would fail; reuse it (Ansible's -N would
      // put the user in 'users' instead, which is never what a migration wants).
      else if (state.groups.some((g) => g.name === args.name)) o.push('-g', args.name)
      if (wantedNames?.length) o.push('-G', wantedNames.join(','))
      if (args.home !== undefined) o.push('-d', args.home)
      o.push(args.create_home ? '-m' : '-M')
      if (args.shell !== undefined) o.push('-s', args.shell)
      if (args.comment !== undefined) o.push('-c', args.comment)
      if (args.password !== undefined) o.push('-p', args.password)
      if (args.system) o.push('-r')
      const after: Record<string, string> = { name: args.name, uid: args.uid === undefined ? '(next free)' : String(args.uid), group: primary?.name ?? args.name, groups: (wantedNames ?? []).join(',') }
      if (args.home !== undefined) after.home = args.home
      if (args.shell !== undefined) after.shell = args.shell
      if (args.comment !== undefined) after.comment = args.comment
      after.password = args.password === undefined ? '(none)' : '(set)'
      // useradd -m makes the home (Debian's default base is /home): --check's later tasks into it
      // are predicted creations, not refusals of a missing folder.
      const makes = args.create_home ? [args.home ?? `/home/${args.name}`] : undefined
      return { changes: [{ kind: 'exec', cmd: argv(['useradd', ...o, '--', args.name]) }], diff: [attrDiff(label, null, after)], ...(makes ? { makes } : {}) }
    }

    const o: Array<string | number> = []
    const why: string[] = []
    const before = describe(current, memberOf(args.name), state.hash, primaryName(current.gid))
    const after = { ...before }
    if (args.uid !== undefined && args.uid !== current.uid) {
      o.push('-u', args.uid, ...(args.non_unique ? ['-o'] : []))
      after.uid = String(args.uid)
    }
    if (primary && primary.gid !== current.gid) {
      o.push('-g', primary.name)
      after.group = primary.name
    }
    if (wantedNames) {
      const have = memberOf(args.name).filter((g) => findGroup(state.groups, g)?.gid !== (primary?.gid ?? current.gid))
      const add = wantedNames.filter((g) => !have.includes(g))
      const exact = have.length === wantedNames.length && add.length === 0
      if (args.append ? add.length > 0 : !exact) {
        o.push(...(args.append ? ['-a', '-G', add.join(',')] : ['-G', wantedNames.join(',')]))
        after.groups = (args.append ? [...have, ...add] : wantedNames).join(',')
      }
    }
    if (args.home !== undefined && args.home !== current.home) {
      o.push('-d', args.home, ...(args.move_home ? ['-m'] : []))
      after.home = args.home
    }
    if (args.shell !== undefined && args.shell !== current.shell) {
      o.push('-s', args.shell)
      after.shell = args.shell
    }
    if (args.comment !== undefined && args.comment !== current.comment) {
      o.push('-c', args.comment)
      after.comment = args.comment
    }
    if (args.password !== undefined && args.update_password === 'always') {
      if (state.hash === null) return { changes: [], failed: `cannot read the password hash of user '${args.name}' from shadow (run with become?)` }
      if (state.hash !== args.password) {
        o.push('-p', args.password)
        after.password = '(changed)'
      }
    }
    if (o.length === 0) {
      if (args.uid !== undefined) why.push(`uid ${args.uid}`)
      if (args.group !== undefined) why.push(`group ${primary!.name}`)
      return { changes: [], reason: `user ${args.name} already exists${why.length ? ` with ${why.join(', ')}` : ''} and matches` }
    }
    return { changes: [{ kind: 'exec', cmd: argv(['usermod', ...o, '--', args.name]) }], diff: [attrDiff(label, before, after)] }
  },
})
