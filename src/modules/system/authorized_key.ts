// authorized_key: make sure SSH public keys are (or are not) in a user's authorized_keys, as
// Ansible's: keys compared by type and blob, options and comment updated in place, exclusive.
import { argv, sh } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import { defineModule, type Change, type Plan } from '../module.js'
import { statPaths, type PathState } from '../files/gather.js'
import { isSet } from '../files/paths.js'
import { read } from '../read.js'

export interface AuthorizedKeyArgs {
  user: string
  key: string
  path?: string | null
  manage_dir: boolean
  state: 'present' | 'absent'
  key_options?: string | null
  exclusive: boolean
  comment?: string | null
}

interface KeyState {
  home: string
  file: PathState
  dir: PathState
}

interface KeyLine {
  options?: string
  type: string
  blob: string
  comment?: string
}

const TYPE = /^(ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d+|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/

/** One authorized_keys line: [options] type blob [comment]; undefined for comments and junk. */
export function parseKeyLine(line: string): KeyLine | undefined {
  const t = line.trim()
  if (t === '' || t.startsWith('#')) return undefined
  // Options may hold quoted spaces: split words outside double quotes.
  const words = t.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []
  const at = words.findIndex((w) => TYPE.test(w))
  if (at < 0 || at > 1 || words[at + 1] === undefined) return undefined
  const comment = words.slice(at + 2).join(' ')
  return { ...(at === 1 ? { options: words[0] } : {}), type: words[at]!, blob: words[at + 1]!, ...(comment ? { comment } : {}) }
}

const render = (k: KeyLine) => [k.options, k.type, k.blob, k.comment].filter((x) => x !== undefined && x !== '').join(' ')

export const authorizedKey = defineModule<AuthorizedKeyArgs, KeyState>({
  name: 'authorized_key',
  description: "Add or remove SSH public keys in a user's authorized_keys, as Ansible does.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['user', 'key'],
    properties: {
      user: { type: 'string', minLength: 1, description: 'Whose authorized_keys.' },
      key: { type: 'string', description: 'One or more public keys, one a line ("ssh-ed25519 AAAA... comment").' },
      path: { type: ['string', 'null'], default: null, description: 'The file (default: ~user/.ssh/authorized_keys).' },
      manage_dir: { type: 'boolean', default: true, description: "Create ~user/.ssh (0700, the user's) when missing." },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the keys are in the file.' },
      key_options: { type: ['string', 'null'], default: null, description: 'Options put before each key (from="10.0.0.0/8",no-pty).' },
      exclusive: { type: 'boolean', default: false, description: 'Remove every other key from the file.' },
      comment: { type: ['string', 'null'], default: null, description: "Replace each key's comment." },
    },
  },
  example: ['- authorized_key:', '    user: deploy', "    key: \"{{ lookup('file', 'deploy.pub') }}\""].join('\n'),
  async gather(args, ctx) {
    const r = await read(ctx, argv(['getent', 'passwd', args.user]), { okCodes: 'any' })
    const home = r.rc === 0 ? r.stdout.split(':')[5] : undefined
    if (!home) throw new TsplayError(`Failed to lookup user ${args.user}: not in the passwd database`)
    const path = args.path ?? `${home}/.ssh/authorized_keys`
    const dir = path.slice(0, path.lastIndexOf('/')) || '/'
    const { paths } = await statPaths(ctx, [{ path, follow: true, content: 'text' }, { path: dir, follow: true }])
    return { home, file: paths[0]!, dir: paths[1]! }
  },
  plan(args, st) {
    const wanted = args.key.split('\n').map(parseKeyLine).filter((k): k is KeyLine => k !== undefined)
    if (wanted.length === 0) return { changes: [], failed: `invalid key specified: ${args.key.trim().slice(0, 60)}` }
    for (const k of wanted) {
      if (isSet(args.key_options)) k.options = args.key_options
      if (isSet(args.comment)) k.comment = args.comment
    }
    const before = st.file.content ?? ''
    const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n')
    const same = (a: KeyLine, b: KeyLine) => a.type === b.type && a.blob === b.blob
    let out: string[]
    if (args.state === 'absent') out = lines.filter((l) => !wanted.some((w) => { const k = parseKeyLine(l); return k !== undefined && same(k, w) }))
    else {
      out = args.exclusive ? lines.filter((l) => { const k = parseKeyLine(l); return k === undefined ? l.trim() === '' || l.trim().startsWith('#') : wanted.some((w) => same(k, w)) }) : [...lines]
      for (const w of wanted) {
        const i = out.findIndex((l) => { const k = parseKeyLine(l); return k !== undefined && same(k, w) })
        if (i < 0) out.push(render(w))
        // Given options or comment replace the line's own; otherwise the line stays as it is.
        else if (isSet(args.key_options) || isSet(args.comment)) out[i] = render(w)
      }
    }
    const after = out.length ? out.join('\n') + '\n' : ''
    const path = st.file.realPath ?? st.file.path
    if (after === before && st.file.exists) return { changes: [], reason: args.state === 'present' ? 'keys already present' : 'keys already absent', data: { user: args.user, path } }
    if (!st.file.exists && after === '') return { changes: [], reason: 'keys already absent', data: { user: args.user, path } }
    const changes: Change[] = []
    if (!st.dir.exists) {
      if (!args.manage_dir) return { changes: [], failed: `${st.dir.path} does not exist and manage_dir is false` }
      changes.push({ kind: 'exec', cmd: sh`mkdir -m 0700 -p -- ${st.dir.path} && chown ${args.user}: -- ${st.dir.path}` })
    }
    changes.push({ kind: 'put', path, content: after, mode: '0600', owner: args.user })
    const plan: Plan = { changes, reason: `update ${path}`, diff: [{ path, before, after }], data: { user: args.user, path, key: args.key, exclusive: args.exclusive } }
    return plan
  },
})
