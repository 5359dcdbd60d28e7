// dns_record: what the target's resolver (or a named server) answers for a name, with TTLs. For
// an MX it follows each target to its addresses, so one task shows where a domain's mail goes and
// how long resolvers may keep it; `max_ttl` flags TTLs that make a move slow. Only reads.
import { defineModule } from '../module.js'
import { dig, DNS_NAME, undot, type DnsAnswer } from './dns_dig.js'

export interface DnsRecordArgs {
  name: string
  type: 'A' | 'AAAA' | 'MX' | 'CNAME' | 'TXT' | 'NS' | 'SOA'
  server?: string
  max_ttl?: number
  timeout: number
  verifies: boolean
}

export interface MxTarget {
  name: string
  preference: number
  ttl: number
  addresses: DnsAnswer[]
}

export interface DnsRecordState {
  answers: DnsAnswer[]
  /** MX only: each target with its A records. */
  targets: MxTarget[]
}

const ttls = (s: DnsRecordState): number[] => [...s.answers.map((a) => a.ttl), ...s.targets.flatMap((t) => t.addresses.map((a) => a.ttl))]

/** One line per record: "example.test MX 10 mail.example.test (TTL 300 s) -> 192.0.2.10 (TTL 300 s)". */
export function describeRecords(args: DnsRecordArgs, s: DnsRecordState): string {
  if (s.answers.length === 0) return `${args.name}: no ${args.type} answer`
  if (args.type === 'MX') {
    return s.targets
      .map((t) => `${args.name}: MX ${t.preference} ${t.name} (TTL ${t.ttl} s) -> ${t.addresses.map((a) => `${a.value} (TTL ${a.ttl} s)`).join(', ') || 'no A record'}`)
      .join('\n')
  }
  return s.answers.map((a) => `${args.name}: ${a.type} ${a.value} (TTL ${a.ttl} s)`).join('\n')
}

export const dnsRecord = defineModule<DnsRecordArgs, DnsRecordState>({
  name: 'dns_record',
  description: "Look up a DNS name from the target (its resolver, or a given server) with TTLs; an MX is followed to its targets' addresses. Only reads.",
  checkMode: (args) => (args.verifies ? 'verify' : 'plan'),
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: DNS_NAME, description: 'Name to look up (a mail domain for MX).' },
      type: { type: 'string', enum: ['A', 'AAAA', 'MX', 'CNAME', 'TXT', 'NS', 'SOA'], default: 'A', description: 'Record type.' },
      server: { type: 'string', pattern: DNS_NAME, description: "Ask this server (as `dig @server`) instead of the target's resolver." },
      max_ttl: { type: 'integer', minimum: 0, description: 'Flag (long_ttl, warning) any TTL above this many seconds.' },
      timeout: { type: 'integer', minimum: 1, maximum: 60, default: 2, description: 'Seconds per query try.' },
      verifies: {
        type: 'boolean',
        default: false,
        description: 'The lookup checks what this run changes (a record it updates): --check skips it without asking, as the answer would still be the one before the run.',
      },
    },
  },
  example: `- name: Where example.org's mail goes, as old's resolver sees it
  dns_record:
    name: example.org
    type: MX
    max_ttl: 3600
  register: mx`,

  async gather(args, ctx) {
    const answers = await dig(ctx, args.name, args.type, args.server, args.timeout)
    const targets: MxTarget[] = []
    if (args.type === 'MX') {
      for (const a of answers.filter((x) => x.type === 'MX').sort((x, y) => parseInt(x.value) - parseInt(y.value))) {
        const [pref = '0', host = ''] = a.value.split(/\s+/)
        const name = undot(host)
        targets.push({ name, preference: Number(pref), ttl: a.ttl, addresses: (await dig(ctx, name, 'A', args.server, args.timeout)).filter((x) => x.type === 'A') })
      }
    }
    return { answers, targets }
  },

  plan(args, state) {
    const all = ttls(state)
    const ttl = all.length ? Math.max(...all) : null
    const long = args.max_ttl !== undefined && ttl !== null && ttl > args.max_ttl
    const report = describeRecords(args, state)
    const warning = long
      ? `WARNING ${args.name}: TTL ${ttl} s is longer than ${args.max_ttl} s: resolvers may keep the old address that long after the change (the forward covers them); lower it at least that long before the cutover`
      : ''
    return {
      changes: [],
      reason: report,
      data: {
        records: state.answers,
        rdata: state.answers.filter((a) => a.type === args.type).map((a) => a.value),
        targets: state.targets,
        addresses: state.targets.flatMap((t) => t.addresses.map((a) => a.value)),
        ttl,
        long_ttl: long,
        warning,
        report: warning ? `${report}\n${warning}` : report,
      },
    }
  },
})
