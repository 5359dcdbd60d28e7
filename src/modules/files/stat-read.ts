// What the stat module reads about one path, in one exec: the stat(2) fields Ansible returns
// (times with fractions, blocks, rdev), access for the connecting user, checksum, mime, lsattr.
import type { ModuleContext } from '../module.js'
import { sh } from '../../connection/quote.js'
import { argPath } from './paths.js'
import { read } from '../read.js'

export const CHECKSUMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const
export type ChecksumAlgorithm = (typeof CHECKSUMS)[number]

/** Plain JSON, so fixtures can give it. `raw` is stat's hex mode; absent when the path is missing. */
export interface StatFacts {
  path: string
  exists: boolean
  rawMode?: number
  uid?: number
  gid?: number
  size?: number
  atime?: number
  mtime?: number
  ctime?: number
  inode?: number
  nlink?: number
  dev?: number
  blocks?: number
  blockSize?: number
  rdev?: number
  owner?: string
  group?: string
  readable?: boolean
  writeable?: boolean
  executable?: boolean
  linkTarget?: string
  realPath?: string
  checksum?: string
  mimetype?: string
  charset?: string
  /** `lsattr -vd` output: version and flags. */
  attrVersion?: string
  attrFlags?: string
}

export interface StatOptions {
  path: string
  follow: boolean
  checksum?: ChecksumAlgorithm
  mime: boolean
  attributes: boolean
}

function script(o: StatOptions): string {
  const L = o.follow ? '-L ' : ''
  const exists = o.follow ? '[ -e "$p" ]' : '{ [ -L "$p" ] || [ -e "$p" ]; }'
  const isReg = o.follow ? '[ -f "$p" ]' : '[ -f "$p" ] && [ ! -L "$p" ]'
  const lines = [
    sh`p=${argPath(o.path)}`,
    `if ${exists}; then`,
    // Names last: they are the only fields that can be odd (UNKNOWN for an id without a name).
    `  printf 'S '; stat ${L}-c '%f %u %g %s %.9X %.9Y %.9Z %i %h %d %b %o %t %T %U %G' -- "$p"`,
    `  a=; [ -r "$p" ] && a=r; [ -w "$p" ] && a="\${a}w"; [ -x "$p" ] && a="\${a}x"; echo "A $a"`,
    `  if [ -L "$p" ]; then t=$(readlink -- "$p"; printf x); printf 'L '; printf '%s' "\${t%?x}" | base64 -w0; echo`,
    `    t=$(readlink -f -- "$p"; printf x); printf 'R '; printf '%s' "\${t%?x}" | base64 -w0; echo; fi`,
  ]
  if (o.checksum) lines.push(`  if ${isReg} && [ -r "$p" ]; then printf 'C '; ${o.checksum}sum < "$p" | cut -d' ' -f1; fi`)
  if (o.mime) lines.push(`  if command -v file >/dev/null; then printf 'M '; file ${o.follow ? '-L ' : ''}-b --mime-type -- "$p"; printf 'E '; file ${o.follow ? '-L ' : ''}-b --mime-encoding -- "$p"; fi`)
  if (o.attributes) lines.push(`  if command -v lsattr >/dev/null; then printf 'T '; lsattr -vd -- "$p" 2>/dev/null || echo; fi`)
  lines.push('else echo X; fi')
  return lines.join('\n')
}

export async function readStat(ctx: ModuleContext, o: StatOptions): Promise<StatFacts> {
  const r = await read(ctx, script(o), { what: 'reading file state' })
  return parseStatFacts(o.path, r.stdout)
}

export function parseStatFacts(path: string, out: string): StatFacts {
  const f: StatFacts = { path, exists: false }
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8')
  for (const line of out.split('\n')) {
    const tag = line.slice(0, 1)
    const rest = line.slice(2)
    if (tag === 'S') {
      const v = rest.split(' ')
      const n = (i: number) => Number(v[i])
      Object.assign(f, {
        exists: true, rawMode: parseInt(v[0]!, 16), uid: n(1), gid: n(2), size: n(3), atime: n(4), mtime: n(5), ctime: n(6),
        inode: n(7), nlink: n(8), dev: n(9), blocks: n(10), blockSize: n(11),
        rdev: parseInt(v[12]!, 16) * 256 + parseInt(v[13]!, 16), owner: v[14], group: v[15],
      })
    } else if (tag === 'A') Object.assign(f, { readable: rest.includes('r'), writeable: rest.includes('w'), executable: rest.includes('x') })
    else if (tag === 'L') f.linkTarget = b64(rest)
    else if (tag === 'R') f.realPath = b64(rest)
    else if (tag === 'C') f.checksum = rest.trim()
    else if (tag === 'M') f.mimetype = rest.trim()
    else if (tag === 'E') f.charset = rest.trim()
    else if (tag === 'T') {
      const m = /^\s*(\S+)\s+(\S+)\s/.exec(rest)
      if (m) Object.assign(f, { attrVersion: m[1], attrFlags: m[2]!.replace(/-/g, '') })
    }
  }
  return f
}
