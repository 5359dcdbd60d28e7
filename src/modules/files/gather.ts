// The one read script of the file modules: stat (and optionally checksum, content, link target,
// a summary of a tree's attributes) for several paths in a single exec round trip.
import type { Connection } from '../../connection/connection.js'
import type { ModuleContext } from '../module.js'
import { raw, sh } from '../../connection/quote.js'
import { argPath } from './paths.js'
import { read } from '../read.js'

export type FileType = 'file' | 'directory' | 'link' | 'fifo' | 'socket' | 'char' | 'block' | 'other'

/** What a module knows about one path on the target. Plain JSON so fixtures can give it. */
export interface PathState {
  path: string
  exists: boolean
  type?: FileType
  /** Permission bits incl. setuid/setgid/sticky (0o7777). */
  mode?: number
  uid?: number
  gid?: number
  owner?: string
  group?: string
  size?: number
  mtime?: number
  inode?: number
  dev?: number
  nlink?: number
  /** Where a symlink points (not followed). */
  linkTarget?: string
  /** Canonical path of a followed symlink (readlink -f): where writes through it land. */
  realPath?: string
  /** sha1 of a regular file's content, when asked. */
  checksum?: string
  /** Content as UTF-8 text, when asked ('text'). */
  content?: string
  /** Content as base64, when asked ('base64'). */
  base64?: string
  /** Distinct "type mode uid gid owner group" of everything below a directory, when asked. */
  tree?: string[]
}

export interface StatRequest {
  path: string
  /** stat the link's target instead of the link (stat -L). */
  follow?: boolean
  checksum?: boolean
  content?: 'text' | 'base64'
  /** Only read content up to this many bytes (diff display); larger files get none. */
  maxContent?: number
  tree?: boolean
}

const TYPES: Record<number, FileType> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'link',
  0o010000: 'fifo',
  0o140000: 'socket',
  0o020000: 'char',
  0o060000: 'block',
}

function scriptFor(r: StatRequest, i: number): string {
  const p = argPath(r.path)
  const exists = r.follow ? sh`[ -e "$p" ]` : sh`{ [ -L "$p" ] || [ -e "$p" ]; }`
  const L = r.follow ? '-L ' : ''
  const parts = [
    sh`p=${p}; echo '@ ${raw(String(i))}'`,
    `if ${exists}; then`,
    // Names go last: they are the only fields that could be missing (UNKNOWN) or odd.
    `  printf 'S '; stat ${L}-c '%f %u %g %s %Y %i %h %d %U %G' -- "$p"`,
    // $(...) would eat a trailing newline of the target; the x sentinel keeps it.
    `  if [ -L "$p" ]; then t=$(readlink -- "$p"; printf x); printf 'L '; printf '%s' "\${t%?x}" | base64 | tr -d '\\n'; echo; fi`,
  ]
  if (r.follow) parts.push(`  if [ -L "$p" ]; then t=$(readlink -f -- "$p"; printf x); printf 'R '; printf '%s' "\${t%?x}" | base64 | tr -d '\\n'; echo; fi`)
  // Unfollowed, a symlink is not a regular file: it has no checksum or content (as Ansible's stat).
  const isReg = r.follow ? '[ -f "$p" ] && [ -r "$p" ]' : '[ -f "$p" ] && [ ! -L "$p" ] && [ -r "$p" ]'
  if (r.checksum) parts.push(`  if ${isReg}; then printf 'C '; sha1sum < "$p" | cut -c1-40; fi`)
  if (r.content) {
    const limit = r.maxContent === undefined ? '' : ` && [ "$(wc -c < "$p")" -le ${Math.floor(r.maxContent)} ]`
    parts.push(`  if ${isReg}${limit}; then printf 'B '; base64 < "$p" | tr -d '\\n'; echo; fi`)
  }
  if (r.tree) parts.push(`  if [ -d "$p" ] && [ ! -L "$p" ]; then find "$p" -mindepth 1 -printf 'T %y %m %U %G %u %g\\n' | sort -u; fi`)
  parts.push('else echo M; fi')
  return parts.join('\n')
}

/** stat every requested path in one exec; results in request order. Also returns the euid. */
export async function statPaths(ctx: ModuleContext, reqs: StatRequest[]): Promise<{ uid: number; paths: PathState[] }> {
  return statOn(ctx, reqs)
}

/** statPaths on another connection, as its own user (fetch reads the controller side too). */
export async function statOn(ctx: ModuleContext, reqs: StatRequest[], conn?: Connection): Promise<{ uid: number; paths: PathState[] }> {
  const script = ['echo "U $(id -u)"', ...reqs.map(scriptFor)].join('\n')
  const r = await read(ctx, script, { what: 'reading file state', ...(conn ? { conn, noBecome: true } : {}) })
  return parseStat(r.stdout, reqs)
}

export function parseStat(out: string, reqs: StatRequest[]): { uid: number; paths: PathState[] } {
  let uid = -1
  const paths: PathState[] = reqs.map((r) => ({ path: r.path, exists: false }))
  let cur: PathState | undefined
  for (const line of out.split('\n')) {
    const tag = line.slice(0, 1)
    const rest = line.slice(2)
    if (tag === 'U') uid = Number(rest)
    else if (tag === '@') cur = paths[Number(rest)]
    else if (!cur) continue
    else if (tag === 'S') {
      const f = rest.split(' ')
      const rawMode = parseInt(f[0]!, 16)
      Object.assign(cur, {
        exists: true,
        type: TYPES[rawMode & 0o170000] ?? 'other',
        mode: rawMode & 0o7777,
        uid: Number(f[1]),
        gid: Number(f[2]),
        size: Number(f[3]),
        mtime: Number(f[4]),
        inode: Number(f[5]),
        nlink: Number(f[6]),
        dev: Number(f[7]),
        owner: f[8],
        group: f[9],
      })
    } else if (tag === 'R') cur.realPath = Buffer.from(rest, 'base64').toString('utf8')
    else if (tag === 'L') cur.linkTarget = Buffer.from(rest, 'base64').toString('utf8')
    else if (tag === 'C') cur.checksum = rest.trim()
    else if (tag === 'B') {
      const req = reqs[paths.indexOf(cur)]!
      if (req.content === 'base64') cur.base64 = rest
      else cur.content = Buffer.from(rest, 'base64').toString('utf8')
    } else if (tag === 'T') (cur.tree ??= []).push(rest)
  }
  return { uid, paths }
}
