// getent: look a key (or a whole database) up with getent(1) and set the fact getent_<database>,
// each entry's key mapping to its other fields, as Ansible's.
import { argv } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'

export interface GetentArgs {
  database: string
  key?: string | null
  split?: string | null
  fail_key: boolean
  service?: string | null
}

interface GetentState {
  rc: number
  stdout: string
  stderr: string
}

// getent's exit codes (man getent).
const RC: Record<number, string> = {
  1: 'Missing arguments, or database unknown.',
  2: 'One or more supplied key could not be found in the database.',
  3: 'Enumeration not supported on this database.',
}

export const getent = defineModule<GetentArgs, GetentState>({
  name: 'getent',
  description: 'Read a database such as passwd, group or hosts with getent into the getent_<database> fact.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['database'],
    properties: {
      database: { type: 'string', minLength: 1, description: 'The database: passwd, group, hosts, services, shadow...' },
      key: { type: ['string', 'null'], default: null, description: 'The entry to look up; unset: the whole database.' },
      split: { type: ['string', 'null'], default: null, description: "Field separator (default ':' for passwd, group, shadow... and whitespace otherwise)." },
      fail_key: { type: 'boolean', default: true, description: 'Fail when the key is not found.' },
      service: { type: ['string', 'null'], default: null, description: 'The NSS service to ask (getent -s).' },
    },
  },
  example: ['- getent:', '    database: passwd', '    key: vmail', '- debug:', '    msg: "{{ getent_passwd.vmail[4] }}"'].join('\n'),
  async gather(args, ctx) {
    const words = ['getent', ...(args.service ? ['-s', args.service] : []), args.database, ...(args.key ? [args.key] : [])]
    const r = await read(ctx, argv(words), { okCodes: 'any' })
    return { rc: r.rc ?? -1, stdout: r.stdout, stderr: r.stderr }
  },
  plan(args, r) {
    if (r.rc === 2 && !args.fail_key) return { changes: [], reason: RC[2]!, msg: RC[2], facts: { [`getent_${args.database}`]: { [args.key ?? '']: null } } }
    if (r.rc !== 0) return { changes: [], failed: RC[r.rc] ?? `getent failed with exit code ${r.rc}: ${r.stderr.trim()}` }
    const colon = ['passwd', 'shadow', 'group', 'gshadow']
    const sep = args.split ?? (colon.includes(args.database) ? ':' : undefined)
    const out: Record<string, unknown> = {}
    const seen: Record<string, number> = {}
    for (const line of r.stdout.split('\n')) {
      if (line.trim() === '') continue
      const fields = sep === undefined ? line.trim().split(/\s+/) : line.split(sep)
      const key = fields.shift()!
      // A key seen again (a host with several addresses) becomes a list of entries, as in Ansible.
      seen[key] = (seen[key] ?? 0) + 1
      if (seen[key] === 1) out[key] = fields
      else out[key] = [...(seen[key] === 2 ? [out[key]] : (out[key] as unknown[])), fields]
    }
    return { changes: [], reason: `read ${Object.keys(out).length} entries`, facts: { [`getent_${args.database}`]: out } }
  },
})
