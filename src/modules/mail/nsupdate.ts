// nsupdate: set (or remove) one DNS record set on its primary server by RFC 2136 dynamic update,
// signed with a TSIG key. Reads the record set at that server first: no update when it is already
// right; --check shows the planned update. The key goes to nsupdate on stdin, never on a command line.
import { sh } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import { defineModule } from '../module.js'
import { dig, DNS_NAME, undot, type DnsAnswer } from './dns_dig.js'
import { read } from '../read.js'

export interface NsupdateArgs {
  server: string
  port: number
  zone: string
  record: string
  type: 'A' | 'AAAA' | 'CNAME' | 'MX' | 'TXT'
  value?: string | string[]
  ttl?: number
  state: 'present' | 'absent'
  key_name: string
  key_secret: string
  key_algorithm: string
  timeout: number
}

export interface NsupdateState {
  current: DnsAnswer[]
}

/** Absolute, lower-case names; relative record names are inside the zone (as Ansible's nsupdate). */
export function fqdnIn(record: string, zone: string): string {
  const r = record.toLowerCase()
  const z = undot(zone.toLowerCase())
  if (r.endsWith('.')) return undot(r)
  return r === '@' ? z : r === z || r.endsWith(`.${z}`) ? r : `${r}.${z}`
}

const norm = (type: string, v: string): string => (['CNAME', 'MX'].includes(type) ? v.toLowerCase().replace(/\.?$/, '.') : v)

/** The nsupdate input: commands only from validated names, values and the key (no newlines). */
export function updateScript(a: NsupdateArgs, name: string, values: string[], ttl: number): string {
  const lines = [`server ${a.server} ${a.port}`, `zone ${undot(a.zone)}.`, `key ${a.key_algorithm}:${a.key_name} ${a.key_secret}`, `update delete ${name}. ${a.type}`]
  if (a.state === 'present') for (const v of values) lines.push(`update add ${name}. ${ttl} ${a.type} ${v}`)
  return [...lines, 'send', ''].join('\n')
}

const show = (vals: string[], ttl?: number): string => (vals.length ? `${vals.join(', ')}${ttl !== undefined ? ` (TTL ${ttl} s)` : ''}` : '(none)')

export const nsupdate = defineModule<NsupdateArgs, NsupdateState>({
  name: 'nsupdate',
  description: 'Set or remove a DNS record set on its primary server by RFC 2136 dynamic update (nsupdate) signed with a TSIG key; no update when it is already right.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['server', 'zone', 'record', 'key_name', 'key_secret'],
    properties: {
      server: { type: 'string', pattern: DNS_NAME, description: "The zone's primary server (address or name, as the target reaches it)." },
      port: { type: 'integer', minimum: 1, maximum: 65535, default: 53, description: 'DNS port of the server.' },
      zone: { type: 'string', pattern: DNS_NAME, description: 'The zone the record is in (example.org).' },
      record: { type: 'string', pattern: '^(@|[A-Za-z0-9_.-]+)$', description: 'Record name: absolute with a final dot, otherwise inside the zone (mail, mail.example.org, @).' },
      type: { type: 'string', enum: ['A', 'AAAA', 'CNAME', 'MX', 'TXT'], default: 'A', description: 'Record type.' },
      value: {
        anyOf: [
          { type: 'string', pattern: '^[^\\r\\n;]+$' },
          { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[^\\r\\n;]+$' } },
        ],
        description: 'The wanted value(s); the record set becomes exactly these. Required with state present.',
      },
      ttl: { type: 'integer', minimum: 0, maximum: 2147483647, description: 'TTL in seconds (default: keep the current TTL, 3600 for a new record).' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present: the set is exactly value; absent: no record of this type.' },
      key_name: { type: 'string', pattern: DNS_NAME, description: 'TSIG key name, as the server knows it.' },
      key_secret: { type: 'string', pattern: '^[A-Za-z0-9+/=]+$', description: 'TSIG secret (base64). Keep it in a vault.' },
      key_algorithm: { type: 'string', enum: ['hmac-md5', 'hmac-sha1', 'hmac-sha224', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'], default: 'hmac-sha256', description: 'TSIG algorithm.' },
      timeout: { type: 'integer', minimum: 1, maximum: 300, default: 10, description: 'Seconds for the query and for the update.' },
    },
  },
  example: `- name: The MX target points at the new server
  nsupdate:
    server: ns1.example.org
    zone: example.org
    record: mail
    value: 192.0.2.11
    ttl: 300
    key_name: tsplay-update
    key_secret: "{{ vault_tsig_secret }}"`,

  async gather(args, ctx) {
    if (args.state === 'present' && args.value === undefined) throw new TsplayError('nsupdate: value is required with state present')
    const has = await read(ctx, 'command -v nsupdate', { okCodes: 'any' })
    if (has.rc !== 0) throw new TsplayError(`nsupdate is not installed on ${ctx.host}`, { hint: 'Install bind9-dnsutils there, or delegate the task to a host that has it.' })
    const name = fqdnIn(args.record, args.zone)
    const current = (await dig(ctx, name, args.type, args.server, args.timeout, args.port)).filter((a) => a.type === args.type)
    return { current }
  },

  plan(args, state) {
    const name = fqdnIn(args.record, args.zone)
    const what = `${name} ${args.type} at ${args.server}`
    const have = state.current.map((a) => norm(args.type, a.value)).sort()
    const haveTtl = state.current[0]?.ttl
    const want = args.state === 'absent' ? [] : [...new Set((Array.isArray(args.value) ? args.value : [args.value!]).map((v) => norm(args.type, v.trim())))].sort()
    const ttl = args.ttl ?? haveTtl ?? 3600
    const sameTtl = args.ttl === undefined || state.current.every((a) => a.ttl === args.ttl)
    const data = { record: name, type: args.type, before: have, after: want, ttl: args.state === 'absent' ? null : ttl }
    if (have.join(' ') === want.join(' ') && (want.length === 0 || sameTtl)) {
      return { changes: [], data, reason: `${what} is already ${show(have, haveTtl)}` }
    }
    const msg = `${what}: ${show(have, haveTtl)} -> ${show(want, want.length ? ttl : undefined)}`
    return {
      changes: [{ kind: 'exec', cmd: sh`nsupdate -v -t ${args.timeout}`, stdin: updateScript(args, name, want, ttl), timeoutMs: (args.timeout + 10) * 1000 }],
      diff: [{ path: `dns ${name} ${args.type}`, before: have.map((v) => `${haveTtl} ${v}\n`).join(''), after: want.map((v) => `${ttl} ${v}\n`).join('') }],
      data,
      msg,
    }
  },
})
