// fetch: copy a file from the target to the controller, under dest/<host>/<src path> unless
// flat; changed only when the controller's copy differs (compared by sha1 before transferring).
import { defineModule, type Plan } from '../module.js'
import { statOn, statPaths, type PathState } from './gather.js'
import { baseOf } from './paths.js'

export interface FetchArgs {
  src: string
  dest: string
  flat?: boolean
  fail_on_missing?: boolean
  validate_checksum?: boolean
}

export interface FetchState {
  src: PathState
  /** The controller's copy at the computed destination. */
  local: PathState
}

/** Where the file lands on the controller, as Ansible's fetch computes it. */
export function fetchDest(args: FetchArgs, host: string): string {
  if (args.flat) return args.dest.endsWith('/') ? args.dest + baseOf(args.src) : args.dest
  const rel = args.src.replace(/^\/+/, '')
  return `${args.dest.replace(/\/+$/, '')}/${host}/${rel}`
}

export const fetch = defineModule<FetchArgs, FetchState>({
  name: 'fetch',
  description: 'Fetch a file from the target to the controller (dest/<host>/<src path>, or dest itself with flat).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', description: 'File on the target (symlinks are followed).' },
      dest: { type: 'string', description: "Folder on the controller; the file lands at dest/<inventory_hostname>/<src path>. With flat, the file's path (or a folder when ending in '/')." },
      flat: { type: 'boolean', default: false, description: 'Do not add <inventory_hostname>/<src path> to dest.' },
      fail_on_missing: { type: 'boolean', default: true, description: 'Fail when src does not exist on the target; false reports ok and skips it.' },
      validate_checksum: { type: 'boolean', default: true, description: "Check that the fetched bytes have the target file's sha1." },
    },
  },
  example: ['- name: Keep a copy of the old main.cf', '  fetch:', '    src: /etc/postfix/main.cf', '    dest: backups/'].join('\n'),
  async gather(args, ctx) {
    const [{ paths }, local] = await Promise.all([
      statPaths(ctx, [{ path: args.src, follow: true, checksum: true }]),
      statOn(ctx, [{ path: fetchDest(args, ctx.host), follow: true, checksum: true }], ctx.controller),
    ])
    return { src: paths[0]!, local: local.paths[0]! }
  },
  plan(args, st, ctx): Plan {
    const dest = fetchDest(args, ctx.host)
    const s = st.src
    if (!s.exists) {
      if (args.fail_on_missing === false) return { changes: [], reason: 'the remote file does not exist, not transferring, ignored', data: { file: args.src } }
      return { changes: [], failed: `the remote file does not exist: ${args.src}` }
    }
    if (s.type === 'directory') return { changes: [], failed: 'remote file is a directory, fetch cannot work on directories' }
    if (s.checksum === undefined) return { changes: [], failed: `the remote file is not readable: ${args.src}` }
    const data = { dest, remote_checksum: s.checksum, checksum: s.checksum }
    if (st.local.checksum === s.checksum) return { changes: [], reason: `${dest} already matches ${args.src}`, data }
    return {
      data,
      reason: `fetch ${args.src} to ${dest}`,
      changes: [{ kind: 'fetch', src: args.src, dest, ...(args.validate_checksum === false ? {} : { checksum: s.checksum }) }],
      diff: [{ path: `controller:${dest}`, before: st.local.exists ? `sha1 ${st.local.checksum ?? '?'}\n` : '', after: `sha1 ${s.checksum}\n` }],
    }
  },
})
