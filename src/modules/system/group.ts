// group: make sure a local group exists with a given gid, or does not exist.
import { argv, sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { attrDiff, colonRows, readState } from './common.js'

export interface GroupArgs {
  name: string
  gid?: number
  system: boolean
  state: 'present' | 'absent'
  non_unique: boolean
}

export interface GroupEntry {
  name: string
  gid: number
  members: string[]
}

export interface GroupState {
  /** The groups named `name` or having gid `gid` (all others are irrelevant to the plan). */
  groups: GroupEntry[]
}

export function parseGroups(text: string): GroupEntry[] {
  return colonRows(text).map((f) => ({ name: f[0] ?? '', gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }))
}

export const group = defineModule<GroupArgs, GroupState>({
  name: 'group',
  description: 'Make sure a local group exists (with a given gid) or does not.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Name of the group.' },
      gid: { type: 'integer', minimum: 0, description: 'Group id to set; a gid used by another group fails the task unless non_unique.' },
      system: { type: 'boolean', default: false, description: 'Create a system group (gid from the system range) when the group is new.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the group should exist.' },
      non_unique: { type: 'boolean', default: false, description: 'Allow a gid that another group already has (groupadd -o).' },
    },
  },
  example: `- name: The vmail group keeps its gid from the old server
  group:
    name: vmail
    gid: 5000`,

  async gather(args, ctx) {
    // The whole group database in one read: the plan needs the group and any holder of the gid.
    const out = await readState(ctx, sh`getent group || true`, 'the group database')
    const groups = parseGroups(out).filter((g) => g.name === args.name || (args.gid !== undefined && g.gid === args.gid))
    return { groups }
  },

  plan(args, state) {
    const current = state.groups.find((g) => g.name === args.name)
    const label = `group ${args.name}`
    if (args.state === 'absent') {
      if (!current) return { changes: [], reason: `group ${args.name} is already absent` }
      return {
        changes: [{ kind: 'exec', cmd: argv(['groupdel', '--', args.name]) }],
        diff: [attrDiff(label, { name: current.name, gid: String(current.gid) }, null)],
      }
    }
    const other = args.gid === undefined ? undefined : state.groups.find((g) => g.gid === args.gid && g.name !== args.name)
    if (other && !args.non_unique) {
      return { changes: [], failed: `gid ${args.gid} is already used by group '${other.name}', cannot give it to group '${args.name}'` }
    }
    const unique = args.non_unique ? ['-o'] : []
    if (!current) {
      const opts = [...(args.gid !== undefined ? ['-g', String(args.gid), ...unique] : []), ...(args.system ? ['-r'] : [])]
      return {
        changes: [{ kind: 'exec', cmd: argv(['groupadd', ...opts, '--', args.name]) }],
        diff: [attrDiff(label, null, { name: args.name, gid: args.gid === undefined ? '(next free)' : String(args.gid) })],
      }
    }
    if (args.gid === undefined || current.gid === args.gid) {
      return { changes: [], reason: `group ${args.name} already exists${args.gid === undefined ? '' : ` with gid ${args.gid}`}` }
    }
    return {
      changes: [{ kind: 'exec', cmd: argv(['groupmod', '-g', args.gid, ...unique, '--', args.name]) }],
      diff: [attrDiff(label, { name: args.name, gid: String(current.gid) }, { name: args.name, gid: String(args.gid) })],
    }
  },
})
