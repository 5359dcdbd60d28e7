// stat: read a path's facts into data.stat with every field Ansible's stat returns (times,
// permission bits, access, checksum, mime, attributes), so `st.stat.isdir` reads the same. Never changes.
import { defineModule } from '../module.js'
import { formatMode } from './mode.js'
import { CHECKSUMS, readStat, type ChecksumAlgorithm, type StatFacts } from './stat-read.js'

export interface StatArgs {
  path: string
  follow: boolean
  get_checksum: boolean
  checksum_algorithm: ChecksumAlgorithm
  get_mime: boolean
  get_attributes: boolean
}

// Ansible's names for lsattr's letters (module_utils FILE_ATTRIBUTES).
const ATTRIBUTES: Record<string, string> = {
  A: 'noatime', a: 'append', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted', h: 'blocksize',
  i: 'immutable', I: 'indexed', j: 'journalled', N: 'inline', s: 'zero', S: 'synchronous', t: 'notail', T: 'blockroot', u: 'undelete',
  X: 'compressedraw', Z: 'compresseddirty',
}

const TYPE = 0o170000

export const stat = defineModule<StatArgs, StatFacts>({
  name: 'stat',
  description: 'Retrieve file or file system status (exists, type, mode, owner, times, checksum, mime type) as Ansible does.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', aliases: ['dest', 'name'], description: 'Path on the target to look at.' },
      follow: { type: 'boolean', default: false, description: 'Describe what a symlink points to instead of the link.' },
      get_checksum: { type: 'boolean', default: true, description: 'Add the checksum of a regular file the connecting user can read.' },
      checksum_algorithm: { enum: [...CHECKSUMS], default: 'sha1', aliases: ['checksum', 'checksum_algo'], description: 'Algorithm of the checksum.' },
      get_mime: { type: 'boolean', default: true, aliases: ['mime', 'mime_type', 'mime-type'], description: "Add mimetype and charset (from the target's `file` command)." },
      get_attributes: { type: 'boolean', default: true, aliases: ['attr', 'attributes'], description: 'Add the lsattr attributes (version, attributes, attr_flags).' },
    },
  },
  example: ['- name: Is the old spool there?', '  stat:', '    path: /var/spool/postfix', '  register: spool'].join('\n'),
  gather: (args, ctx) =>
    readStat(ctx, {
      path: args.path,
      follow: args.follow,
      checksum: args.get_checksum ? args.checksum_algorithm : undefined,
      mime: args.get_mime,
      attributes: args.get_attributes,
    }),
  plan(args, p) {
    if (!p.exists) return { changes: [], reason: `${args.path} does not exist`, data: { stat: { exists: false } } }
    const m = p.rawMode ?? 0
    const type = m & TYPE
    const bit = (b: number) => (m & b) !== 0
    const s: Record<string, unknown> = {
      exists: true,
      path: args.path,
      mode: formatMode(m & 0o7777),
      isdir: type === 0o040000,
      ischr: type === 0o020000,
      isblk: type === 0o060000,
      isreg: type === 0o100000,
      isfifo: type === 0o010000,
      islnk: type === 0o120000,
      issock: type === 0o140000,
      uid: p.uid,
      gid: p.gid,
      size: p.size,
      inode: p.inode,
      dev: p.dev,
      nlink: p.nlink,
      atime: p.atime,
      mtime: p.mtime,
      ctime: p.ctime,
      wusr: bit(0o200), rusr: bit(0o400), xusr: bit(0o100),
      wgrp: bit(0o020), rgrp: bit(0o040), xgrp: bit(0o010),
      woth: bit(0o002), roth: bit(0o004), xoth: bit(0o001),
      isuid: bit(0o4000),
      isgid: bit(0o2000),
      blocks: p.blocks,
      block_size: p.blockSize,
      device_type: p.rdev,
      readable: p.readable,
      writeable: p.writeable,
      executable: p.executable,
      pw_name: p.owner,
      gr_name: p.group,
    }
    if (p.linkTarget !== undefined) {
      s.lnk_source = p.realPath
      s.lnk_target = p.linkTarget
    }
    if (p.checksum !== undefined) s.checksum = p.checksum
    if (p.mimetype !== undefined) {
      s.mimetype = p.mimetype || 'unknown'
      s.charset = p.charset || 'unknown'
    }
    if (p.attrFlags !== undefined) {
      s.version = p.attrVersion
      s.attr_flags = p.attrFlags
      s.attributes = [...p.attrFlags].map((c) => ATTRIBUTES[c]).filter((a) => a !== undefined)
    }
    return { changes: [], reason: `${args.path} exists`, data: { stat: s } }
  },
})
