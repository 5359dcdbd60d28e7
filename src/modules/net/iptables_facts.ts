// iptables_facts: read the rules of one or more tables, with packet and byte counters, into
// ansible_facts.iptables.<table>.<chain>. Reading only; the migration reports per-port counts.
import { argv } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { parseListing } from './iptables-parse.js'
import { read } from '../read.js'

type Table = 'filter' | 'nat' | 'mangle' | 'raw' | 'security'

export interface IptablesFactsArgs {
  table: Table | Table[]
  chain?: string
  ip_version: 'ipv4' | 'ipv6'
}

export interface IptablesFactsState {
  /** Raw `iptables -L -v -n -x --line-numbers` output per table. */
  listings: Record<string, string>
}

const TABLES = ['filter', 'nat', 'mangle', 'raw', 'security']

export const iptablesFacts = defineModule<IptablesFactsArgs, IptablesFactsState>({
  name: 'iptables_facts',
  description: 'Read iptables rules with packet/byte counters into ansible_facts.iptables (per table, per chain).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      table: {
        anyOf: [{ enum: TABLES }, { type: 'array', items: { enum: TABLES }, minItems: 1 }],
        default: 'nat',
        description: 'The table, or a list of tables, to read.',
      },
      chain: { type: 'string', pattern: '^[^-!\\s][^\\s]*$', description: 'Read only this chain (default: every chain of the table).' },
      ip_version: { enum: ['ipv4', 'ipv6'], default: 'ipv4', description: 'iptables (ipv4) or ip6tables (ipv6).' },
    },
  },
  example: `- name: How much mail still reaches the old host?
  iptables_facts:
    table: [nat, filter]
  register: fw

- debug:
    msg: "{{ fw.ansible_facts.iptables.nat.PREROUTING.rules }}"`,

  async gather(args, ctx) {
    const bin = args.ip_version === 'ipv6' ? 'ip6tables' : 'iptables'
    const listings: Record<string, string> = {}
    for (const table of tables(args)) {
      const cmd = argv([bin, '-t', table, '-L', ...(args.chain ? [args.chain] : []), '-v', '-n', '-x', '--line-numbers'])
      const r = await read(ctx, cmd)
      listings[table] = r.stdout
    }
    return { listings }
  },

  plan(args, state) {
    const facts: Record<string, unknown> = {}
    let rules = 0
    for (const table of tables(args)) {
      const chains = parseListing(state.listings[table] ?? '')
      facts[table] = chains
      rules += Object.values(chains).reduce((n, c) => n + c.rules.length, 0)
    }
    return { changes: [], reason: `read ${rules} rule${rules === 1 ? '' : 's'} from ${tables(args).join(', ')}`, facts: { iptables: facts } }
  },
})

function tables(args: IptablesFactsArgs): Table[] {
  return Array.isArray(args.table) ? args.table : [args.table]
}
