// group_by: put the host in a group named from its vars (and the group under parents) for the
// plays that follow. The module only names the change; the executor applies it to the run's
// inventory (src/executor/dynamic-inventory.ts), as Ansible's strategy does with `add_group`.
import { defineModule } from '../module.js'

export interface GroupByArgs {
  key: string
  parents: string | string[]
}

/** Ansible turns spaces in group names into dashes. */
const groupName = (s: string): string => String(s).replace(/ /g, '-')

export const groupBy = defineModule<GroupByArgs, null>({
  name: 'group_by',
  description: 'Add the host to a group named by `key` (made if new) for the rest of the run.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['key'],
    properties: {
      key: { type: ['string', 'number'], description: 'The group to add the host to, usually a template: "os_{{ ansible_distribution }}". Spaces become dashes.' },
      parents: {
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        default: ['all'],
        description: 'Groups the new group goes under (made if new).',
      },
    },
  },
  example: `- group_by:
    key: "mx_{{ mail_role }}"
    parents: mail`,
  gather: async () => null,
  plan(args) {
    const parents = (Array.isArray(args.parents) ? args.parents : [args.parents]).map(groupName)
    const group = groupName(String(args.key))
    return { changes: [], reason: `host goes in group ${group}`, data: { add_group: group, parent_groups: parents } }
  },
})
