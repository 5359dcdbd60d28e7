// stat: read a path's facts (type, mode, owner, size, mtime, checksum) into data.stat, shaped
// like Ansible's so `when: st.stat.exists and st.stat.isdir` reads the same. Never changes.
import { defineModule } from '../module.js'
import { statPaths, type PathState } from './gather.js'
import { formatMode } from './mode.js'

export interface StatArgs {
  path: string
  follow?: boolean
  get_checksum?: boolean
  checksum_algorithm?: 'sha1'
}

export const stat = defineModule<StatArgs, { path: PathState }>({
  name: 'stat',
  description: 'Retrieve file or file system status (exists, type, mode, owner, size, checksum).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', description: 'Path on the target to look at.' },
      follow: { type: 'boolean', default: false, description: 'Describe what a symlink points to instead of the link.' },
      get_checksum: { type: 'boolean', default: true, description: 'Add the sha1 checksum of a regular file.' },
      checksum_algorithm: { enum: ['sha1'], default: 'sha1', description: 'Checksum algorithm; only sha1, as Ansible defaults to.' },
    },
  },
  example: ['- name: Is the old spool there?', '  stat:', '    path: /var/spool/postfix', '  register: spool'].join('\n'),
  async gather(args, ctx) {
    const { paths } = await statPaths(ctx, [{ path: args.path, follow: !!args.follow, checksum: args.get_checksum !== false }])
    return { path: paths[0]! }
  },
  plan(args, state) {
    const p = state.path
    if (!p.exists) return { changes: [], reason: `${args.path} does not exist`, data: { stat: { exists: false } } }
    const s: Record<string, unknown> = {
      exists: true,
      path: args.path,
      mode: formatMode(p.mode ?? 0),
      isdir: p.type === 'directory',
      isreg: p.type === 'file',
      islnk: p.type === 'link',
      isfifo: p.type === 'fifo',
      issock: p.type === 'socket',
      ischr: p.type === 'char',
      isblk: p.type === 'block',
      uid: p.uid,
      gid: p.gid,
      pw_name: p.owner,
      gr_name: p.group,
      size: p.size,
      mtime: p.mtime,
      inode: p.inode,
      dev: p.dev,
      nlink: p.nlink,
    }
    if (p.linkTarget !== undefined) s.lnk_target = p.linkTarget
    if (p.realPath !== undefined) s.lnk_source = p.realPath
    if (p.checksum !== undefined) s.checksum = p.checksum
    return { changes: [], reason: `${args.path} is a ${p.type}`, data: { stat: s } }
  },
})
