// add_host: add a host (or more groups and vars for a known one) to the run's inventory for the
// plays that follow. Runs once per play, not per host (the executor bypasses the host loop);
// the executor applies `add_host` to the inventory (src/executor/dynamic-inventory.ts).
import { defineModule } from '../module.js'

export type AddHostArgs = Record<string, unknown> & { name?: string; hostname?: string; host?: string; groups?: string | string[]; group?: string | string[]; groupname?: string | string[] }

const NAME_KEYS = ['name', 'hostname', 'host']
const GROUP_KEYS = ['groups', 'group', 'groupname']

/** `name:port`, `[v6]:port` or a bare name; a range or anything odd stays the name, as in Ansible. */
export function splitAddress(text: string): { name: string; port?: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? (/^([^:\s]+):(\d+)$/.exec(text))
  if (m) return { name: m[1]!, port: Number(m[2]) }
  const bracket = /^\[([^\]]+)\]$/.exec(text)
  return { name: bracket ? bracket[1]! : text }
}

export const addHost = defineModule<AddHostArgs, null>({
  name: 'add_host',
  description: 'Add a host, its groups and vars to the inventory for the plays that follow (once per play).',
  // `add_host: "{{ host_dict }}"`: text that is not key=value is a mapping of args once rendered.
  freeForm: '_raw_params',
  schema: {
    type: 'object',
    // Every key other than the name and groups is a host variable, as in Ansible.
    additionalProperties: true,
    properties: {
      _raw_params: { description: 'Free-form text: must render to a mapping of these args (`add_host: "{{ host_dict }}"`).' },
      name: { type: 'string', description: 'The host to add (aliases hostname, host); `name:port` sets ansible_ssh_port, as in Ansible.' },
      hostname: { type: 'string', description: 'Alias of name.' },
      host: { type: 'string', description: 'Alias of name.' },
      groups: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Groups to put it in, a list or comma-separated (aliases group, groupname); made if new.' },
      group: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Alias of groups.' },
      groupname: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: 'Alias of groups.' },
    },
  },
  example: `- add_host:
    name: "{{ new_ip }}"
    groups: mx_new
    ansible_user: admin`,
  gather: async () => null,
  plan(given_) {
    const { _raw_params: rawParams, ...rest } = given_
    if (rawParams !== undefined && rawParams !== '' && (typeof rawParams !== 'object' || rawParams === null || Array.isArray(rawParams))) {
      return { changes: [], failed: `Invalid raw parameters passed, requires a dictionary/mapping got a ${typeof rawParams === 'string' ? 'str' : Array.isArray(rawParams) ? 'list' : typeof rawParams}` }
    }
    const args: AddHostArgs = { ...(rawParams as Record<string, unknown> | undefined), ...rest }
    const given = NAME_KEYS.map((k) => args[k]).find((v) => v !== undefined)
    if (given === undefined) return { changes: [], failed: 'name, host or hostname needs to be provided (add_host: name=HOST groups=GROUP)' }
    const { name, port } = splitAddress(String(given))
    const rawGroups = GROUP_KEYS.map((k) => args[k]).find((v) => v !== undefined)
    const list = rawGroups === undefined ? [] : Array.isArray(rawGroups) ? rawGroups.map(String) : String(rawGroups).split(',')
    const groups = [...new Set(list.map((g) => g.trim()).filter((g) => g !== ''))]
    const hostVars: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(args)) if (!NAME_KEYS.includes(k) && k !== 'groups' && k !== 'groupname') hostVars[k] = v
    // `group` is an alias of groups in Ansible's documentation, but its action passes it on as a var too; not here.
    delete hostVars.group
    if (port !== undefined) hostVars.ansible_ssh_port = port
    return { changes: [], reason: `host ${name} is in the inventory`, data: { add_host: { host_name: name, groups, host_vars: hostVars } } }
  },
})
