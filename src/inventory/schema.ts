// The shape of Ansible's YAML inventory, checked with ajv, and each problem retold in the words
// of that format (a list where Ansible wants a mapping is the mistake people make most).
import { ParseError } from '../errors.js'
import { check } from '../schema/validate.js'
import { didYouMean } from '../util/suggest.js'
import { keyPosAt, posAt, type SourceFile } from '../yaml/source.js'

const mapping = { type: ['object', 'null'] }

const group = {
  type: ['object', 'null'],
  properties: {
    hosts: { type: ['object', 'null'], additionalProperties: mapping },
    vars: mapping,
    children: { type: ['object', 'null'], additionalProperties: { $ref: '#/$defs/group' } },
  },
  additionalProperties: false,
}

export const inventorySchema = {
  $defs: { group },
  type: 'object',
  additionalProperties: { $ref: '#/$defs/group' },
}

const GROUP_KEYS = ['hosts', 'vars', 'children']

type Role = 'root' | 'group' | 'hosts' | 'host' | 'vars' | 'children'

/** What the node at `path` is: walks the inventory grammar from the top. */
function roleAt(path: ReadonlyArray<string | number>): { role: Role; owner: string } {
  let role: Role = 'root'
  let owner = ''
  for (const key of path) {
    const k = String(key)
    if (role === 'root' || role === 'children') [role, owner] = ['group', k]
    else if (role === 'group') role = k === 'hosts' ? 'hosts' : k === 'children' ? 'children' : 'vars'
    else if (role === 'hosts') [role, owner] = ['host', k]
  }
  return { role, owner }
}

function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'a list'
  if (v === null || v === undefined) return 'empty'
  if (typeof v === 'object') return 'a mapping'
  return `the ${typeof v} ${JSON.stringify(v)}`
}

function valueAt(value: unknown, path: ReadonlyArray<string | number>): unknown {
  return path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[String(k)] : undefined), value)
}

/** Validate the parsed inventory file; the first problem becomes a ParseError at its node. */
export function validateInventory(src: SourceFile): void {
  const problem = check(inventorySchema, src.value)
  if (!problem) return
  const { path } = problem
  if (problem.unknownKey !== undefined) {
    const group = roleAt(path).owner
    throw new ParseError(`unknown key '${problem.unknownKey}' in group '${group}'.${didYouMean(problem.unknownKey, GROUP_KEYS)}`, {
      pos: keyPosAt(src, path, problem.unknownKey),
      hint: 'A group has only hosts, vars and children. Variables go under vars:, or under a host.',
    })
  }
  const { role, owner } = roleAt(path)
  const got = kindOf(valueAt(src.value, path))
  const pos = posAt(src, path)
  const say = (message: string, hint: string): never => {
    throw new ParseError(message, { pos, hint })
  }
  switch (role) {
    case 'root':
      return say(`an inventory must be a mapping of group names, not ${got}`, 'Start the file with `all:` and put hosts under `all: {hosts: {...}}` or under groups in `children:`.')
    case 'group':
      return say(
        `group '${owner}' must be a mapping with hosts, vars or children, not ${got}`,
        Array.isArray(valueAt(src.value, path))
          ? `Ansible's YAML inventory wants hosts as a mapping: write \`hosts:\` under \`${owner}:\`, then each host as \`name:\` under it (no \`- \`).`
          : `Under \`${owner}:\` write \`hosts:\`, \`vars:\` or \`children:\`, each holding a mapping.`,
      )
    case 'hosts':
      return say(
        `'hosts' of group '${owner}' must be a mapping of host names, not ${got}`,
        "Ansible's YAML inventory wants a mapping, not a list: write each host as `name:` on its own line (drop the `- `), with its vars indented under it.",
      )
    case 'host':
      return say(
        `host '${owner}' must be a mapping of its variables (or nothing), not ${got}`,
        typeof valueAt(src.value, path) === 'string'
          ? `To give the address, write \`ansible_host: ${String(valueAt(src.value, path))}\` indented under \`${owner}:\`.`
          : `Write \`${owner}:\` alone, or with its variables indented under it as \`key: value\`.`,
      )
    case 'children':
      return say(`'children' of group '${owner}' must be a mapping of group names, not ${got}`, 'Write each child group as `name:` on its own line (no `- `), with its hosts/vars/children under it.')
    case 'vars':
      return say(`'vars' of group '${owner}' must be a mapping of variable names to values, not ${got}`, 'Write `vars:` then `name: value` lines indented under it (no `- `).')
  }
}
