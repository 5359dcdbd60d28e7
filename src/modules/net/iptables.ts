// iptables: make sure one rule is in (or out of) a chain, set a chain policy, or flush a chain.
// Idempotent through `iptables -C`, which asks the kernel whether the rule exists as written.
import { argv } from '../../connection/quote.js'
import { defineModule, type Change, type FileDiff, type Plan } from '../module.js'
import { findRule, ruleLine, ruleSpec, type RuleArgs } from './iptables-rule.js'
import { read } from '../read.js'

export interface IptablesArgs extends RuleArgs {
  table: 'filter' | 'nat' | 'mangle' | 'raw' | 'security'
  chain?: string
  state: 'present' | 'absent'
  action: 'append' | 'insert'
  rule_num?: number
  policy?: 'ACCEPT' | 'DROP' | 'QUEUE' | 'RETURN'
  flush: boolean
  ip_version: 'ipv4' | 'ipv6'
}

export interface IptablesState {
  /** `iptables -S` of the chain (or of the table when flushing without a chain); null when the chain does not exist. */
  listing: string[] | null
  /** `iptables -C` said the rule exists (only asked for rules). */
  present: boolean
}

/** Option values may start with '!' (negation) but a name must not look like an option. */
const NAME = { type: 'string', pattern: '^[^-!\\s][^\\s]*$' }
const NEGATABLE = { type: 'string', pattern: '^[^-\\s]' }
const PORT = { type: ['string', 'integer'], pattern: '^!?\\s*[0-9A-Za-z:_-]+$' }

export const iptables = defineModule<IptablesArgs, IptablesState>({
  name: 'iptables',
  description: 'Add or remove one iptables rule, set a chain policy or flush a chain (like ansible.builtin.iptables).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      table: { enum: ['filter', 'nat', 'mangle', 'raw', 'security'], default: 'filter', description: 'The table the chain is in.' },
      chain: { ...NAME, description: 'The chain: INPUT, PREROUTING, POSTROUTING, OUTPUT, FORWARD or a user chain. Required except to flush a whole table.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the rule should be in the chain.' },
      action: { enum: ['append', 'insert'], default: 'append', description: 'Where a missing rule goes: end of the chain (-A) or start / rule_num (-I). An existing rule is never moved.' },
      rule_num: { type: 'integer', minimum: 1, description: 'Position for action insert (1 = first).' },
      protocol: { ...NEGATABLE, description: "Protocol (tcp, udp, icmp, all); a leading '!' negates." },
      source: { ...NEGATABLE, description: "Source address or network; a leading '!' negates." },
      destination: { ...NEGATABLE, description: "Destination address or network; a leading '!' negates." },
      in_interface: { ...NEGATABLE, description: "Interface packets arrive on (-i); a leading '!' negates." },
      out_interface: { ...NEGATABLE, description: "Interface packets leave on (-o); a leading '!' negates." },
      source_port: { ...PORT, description: 'Source port or range (a:b); needs protocol tcp or udp.' },
      destination_port: { ...PORT, description: 'Destination port or range (a:b); needs protocol tcp or udp.' },
      destination_ports: { type: 'array', items: { type: ['string', 'integer'], pattern: '^[0-9A-Za-z:_-]+$' }, minItems: 1, description: 'Several destination ports, through -m multiport --dports.' },
      ctstate: { type: 'array', items: { enum: ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'] }, description: 'Connection states (-m conntrack --ctstate).' },
      comment: { type: 'string', maxLength: 256, pattern: '^[^\\n\\r]*$', description: 'A comment stored with the rule (-m comment); iptables_facts reports it.' },
      jump: { ...NAME, description: 'Target: ACCEPT, DROP, REJECT, DNAT, SNAT, MASQUERADE, LOG, RETURN or a user chain.' },
      to_destination: { type: 'string', pattern: '^[^-\\s]', description: 'New destination for jump DNAT: address[:port].' },
      to_source: { type: 'string', pattern: '^[^-\\s]', description: 'New source for jump SNAT: address[:port].' },
      to_ports: { ...PORT, description: 'Port(s) for jump REDIRECT or MASQUERADE.' },
      policy: { enum: ['ACCEPT', 'DROP', 'QUEUE', 'RETURN'], description: 'Set the policy of a built-in chain instead of managing a rule (rule options are ignored).' },
      flush: { type: 'boolean', default: false, description: 'Delete every rule of the chain (or of the table when no chain is given).' },
      ip_version: { enum: ['ipv4', 'ipv6'], default: 'ipv4', description: 'iptables (ipv4) or ip6tables (ipv6); both use the host default backend (nft on Debian 12).' },
    },
  },
  example: `- name: Forward SMTP to the new host while DNS propagates
  iptables:
    table: nat
    chain: PREROUTING
    protocol: tcp
    destination_port: 25
    jump: DNAT
    to_destination: 10.20.0.2:25
    comment: mail-migration smtp

- name: Masquerade forwarded mail so replies come back through us
  iptables:
    table: nat
    chain: POSTROUTING
    destination: 10.20.0.2
    jump: MASQUERADE`,

  async gather(args, ctx) {
    const bin = binary(args)
    const list = await read(ctx, argv([bin, '-t', args.table, '-S', ...(args.chain ? [args.chain] : [])]), { okCodes: 'any' })
    if (list.rc !== 0) return { listing: null, present: false }
    const listing = list.stdout.split('\n').filter((l) => l !== '')
    if (!args.chain || args.flush || args.policy) return { listing, present: false }
    // 0 = present, 1 = absent; anything else is a rule iptables cannot parse: say so now.
    const c = await read(ctx, argv([bin, '-t', args.table, '-C', args.chain, ...ruleSpec(args)]), { okCodes: [0, 1] })
    return { listing, present: c.rc === 0 }
  },

  plan(args, state) {
    const bin = binary(args)
    const where = `${args.table}${args.chain ? ` ${args.chain}` : ''}`
    const exec = (words: string[]): Change => ({ kind: 'exec', cmd: argv([bin, '-t', args.table, ...words]) })
    if (!args.chain && !args.flush) return { changes: [], failed: 'chain is required (only flush works on a whole table)' }
    if (state.listing === null) {
      if (args.state === 'absent' && !args.policy && !args.flush) return { changes: [], reason: `chain ${args.chain} does not exist in table ${args.table}` }
      return { changes: [], failed: `chain ${args.chain ?? ''} does not exist in table ${args.table}` }
    }
    const before = state.listing
    const diff = (after: string[]): FileDiff[] => [{ path: `${bin} ${where}`, before: text(before), after: text(after) }]

    if (args.flush) {
      const rules = before.filter((l) => l.startsWith('-A '))
      if (rules.length === 0) return { changes: [], reason: `${where} has no rules to flush` }
      return { changes: [exec(['-F', ...(args.chain ? [args.chain] : [])])], diff: diff(before.filter((l) => !l.startsWith('-A '))) }
    }
    const chain = args.chain!
    if (args.policy) return planPolicy(args.policy, chain, before, exec, diff)

    const spec = ruleSpec(args)
    const want = args.state === 'present'
    if (state.present === want) return { changes: [], reason: want ? `rule already present in ${where}` : `rule not present in ${where}` }
    if (!want) {
      const at = findRule(before, chain, spec)
      return { changes: [exec(['-D', chain, ...spec])], diff: diff(at < 0 ? before : before.filter((_, i) => i !== at)) }
    }
    const line = ruleLine(chain, spec)
    if (args.action === 'insert') {
      const n = args.rule_num ?? 1
      const heads = before.filter((l) => !l.startsWith('-A '))
      const rules = before.filter((l) => l.startsWith('-A '))
      rules.splice(n - 1, 0, line)
      return { changes: [exec(['-I', chain, String(n), ...spec])], diff: diff([...heads, ...rules]) }
    }
    return { changes: [exec(['-A', chain, ...spec])], diff: diff([...before, line]) }
  },
})

function planPolicy(policy: string, chain: string, before: string[], exec: (w: string[]) => Change, diff: (a: string[]) => FileDiff[]): Plan {
  const line = before.find((l) => l.startsWith(`-P ${chain} `))
  if (line === `-P ${chain} ${policy}`) return { changes: [], reason: `policy of ${chain} is already ${policy}` }
  if (line === undefined) return { changes: [], failed: `${chain} is not a built-in chain, so it has no policy` }
  return { changes: [exec(['-P', chain, policy])], diff: diff(before.map((l) => (l === line ? `-P ${chain} ${policy}` : l))) }
}

function binary(args: IptablesArgs): string {
  return args.ip_version === 'ipv6' ? 'ip6tables' : 'iptables'
}

function text(lines: string[]): string {
  return lines.length ? lines.join('\n') + '\n' : ''
}
