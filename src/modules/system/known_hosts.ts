// known_hosts: make sure a host's public key is (or is not) in a known_hosts file, as Ansible's:
// a key of the same type for the host is replaced; hashed (|1|salt|hash) entries are matched too.
import { createHmac } from 'node:crypto'
import { argv } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import { defineModule, type Change } from '../module.js'
import { statPaths, type PathState } from '../files/gather.js'
import { isSet } from '../files/paths.js'
import { read } from '../read.js'

export interface KnownHostsArgs {
  name: string
  key?: string | null
  path?: string | null
  hash_host: boolean
  state: 'present' | 'absent'
}

interface KnownHostsState {
  home: string
  file: PathState
  dir: PathState
}

/** Does the host field of a line (comma list, [host]:port, or |1|salt|hash) name `host`? */
export function namesHost(field: string, host: string): boolean {
  return field.split(',').some((h) => {
    const hashed = /^\|1\|([^|]+)\|(.+)$/.exec(h)
    if (hashed) return createHmac('sha1', Buffer.from(hashed[1]!, 'base64')).update(host).digest('base64') === hashed[2]
    return h === host
  })
}

export const knownHosts = defineModule<KnownHostsArgs, KnownHostsState>({
  name: 'known_hosts',
  description: "Add or remove a host's SSH key in a known_hosts file, as Ansible does.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, aliases: ['host'], description: "The host as ssh names it: 'mx1.example.org' or '[mx1]:2222'." },
      key: { type: ['string', 'null'], default: null, description: "The key line as ssh-keyscan prints it, starting with the host name ('mx1 ssh-ed25519 AAAA...'); required with state present." },
      path: { type: ['string', 'null'], default: null, description: "The file (default: the connecting user's ~/.ssh/known_hosts)." },
      hash_host: { type: 'boolean', default: false, description: 'Accepted for Ansible compatibility; new lines are written with the plain host name.' },
      state: { enum: ['present', 'absent'], default: 'present', description: "Whether the host's key is in the file." },
    },
  },
  example: ['- known_hosts:', '    name: mx2.example.org', "    key: \"{{ lookup('pipe', 'ssh-keyscan -t ed25519 mx2.example.org') }}\""].join('\n'),
  async gather(args, ctx) {
    const r = await read(ctx, 'printf %s "$HOME"')
    const home = r.stdout.trim()
    const path = args.path ?? `${home}/.ssh/known_hosts`
    if (!path.startsWith('/')) throw new TsplayError(`known_hosts path must be absolute: ${path}`)
    const dir = path.slice(0, path.lastIndexOf('/')) || '/'
    const { paths } = await statPaths(ctx, [{ path, follow: true, content: 'text' }, { path: dir, follow: true }])
    return { home, file: paths[0]!, dir: paths[1]! }
  },
  plan(args, st) {
    const host = args.name.toLowerCase()
    const before = st.file.content ?? ''
    const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n')
    const fields = (l: string) => l.trim().split(/\s+/)
    const forHost = (l: string) => !l.trim().startsWith('#') && l.trim() !== '' && namesHost(fields(l)[0]!, host)
    let out: string[]
    if (args.state === 'absent') out = lines.filter((l) => !forHost(l))
    else {
      if (!isSet(args.key)) return { changes: [], failed: 'key is required with state present' }
      const want = fields(args.key)
      if (want.length < 3) return { changes: [], failed: `invalid key specified: ${args.key.slice(0, 60)}` }
      if (!namesHost(want[0]!, host)) return { changes: [], failed: `Host parameter does not match hashed host field in supplied key` }
      const same = lines.findIndex((l) => forHost(l) && fields(l)[1] === want[1])
      out = [...lines]
      if (same >= 0 && fields(lines[same]!)[2] === want[2]) out = lines
      else if (same >= 0) out[same] = args.key.trim()
      else out.push(args.key.trim())
    }
    const after = out.length ? out.join('\n') + '\n' : ''
    const path = st.file.realPath ?? st.file.path
    const data = { hash_host: args.hash_host, key: args.key, name: args.name, path, state: args.state }
    if (after === before || (!st.file.exists && after === '')) return { changes: [], reason: args.state === 'present' ? 'key already present' : 'no key for this host', data }
    const changes: Change[] = []
    if (!st.dir.exists) changes.push({ kind: 'exec', cmd: argv(['mkdir', '-m', '0700', '-p', '--', st.dir.path]) })
    changes.push({ kind: 'put', path, content: after, ...(st.file.exists ? {} : { mode: '0600' }) })
    return { changes, reason: `update ${path}`, diff: [{ path, before, after }], data }
  },
})
