// find's pieces: parsing find(1)'s -printf records, each entry as Ansible's stat-like dict, and
// shell-style name patterns (Python's fnmatch).
import { formatMode } from './mode.js'

const KINDS: Record<string, FindEntry['kind']> = { f: 'file', d: 'directory', l: 'link' }

export interface FindEntry {
  path: string
  kind: 'file' | 'directory' | 'link' | 'other'
  mode: number
  uid: number
  gid: number
  size: number
  atime: number
  mtime: number
  ctime: number
  inode: number
  nlink: number
  dev: number
  owner: string
  group: string
  type: string
  checksum?: string
}

/** Records "y\tmode\t...\tpath\0", each optionally followed by "C\tsha1\0". */
export function parseFindOutput(out: string): FindEntry[] {
  const entries: FindEntry[] = []
  for (const rec of out.split('\0')) {
    if (rec === '') continue
    const f = rec.split('\t')
    if (f[0] === 'C' && f.length === 2) {
      const last = entries[entries.length - 1]
      if (last) last.checksum = f[1]
      continue
    }
    if (f.length < 14) continue
    const n = (i: number) => Number(f[i])
    entries.push({
      type: f[0]!, kind: KINDS[f[0]!] ?? 'other', mode: parseInt(f[1]!, 8), uid: n(2), gid: n(3), size: n(4), atime: n(5), mtime: n(6), ctime: n(7),
      inode: n(8), nlink: n(9), dev: n(10), owner: f[11]!, group: f[12]!, path: f.slice(13).join('\t'),
    })
  }
  return entries
}

/** The entry as Ansible's find lists it (statinfo + path). */
export function findEntry(e: FindEntry, checksum: boolean): Record<string, unknown> {
  const bit = (b: number) => (e.mode & b) !== 0
  const out: Record<string, unknown> = {
    path: e.path, mode: formatMode(e.mode & 0o7777),
    isdir: e.type === 'd', ischr: e.type === 'c', isblk: e.type === 'b', isreg: e.type === 'f', isfifo: e.type === 'p', islnk: e.type === 'l', issock: e.type === 's',
    uid: e.uid, gid: e.gid, size: e.size, inode: e.inode, dev: e.dev, nlink: e.nlink, atime: e.atime, mtime: e.mtime, ctime: e.ctime,
    gr_name: e.group, pw_name: e.owner,
    wusr: bit(0o200), rusr: bit(0o400), xusr: bit(0o100), wgrp: bit(0o020), rgrp: bit(0o040), xgrp: bit(0o010), woth: bit(0o002), roth: bit(0o004), xoth: bit(0o001),
    isuid: bit(0o4000), isgid: bit(0o2000),
  }
  if (checksum && e.checksum !== undefined) out.checksum = e.checksum
  return out
}

/** Python's fnmatch: * ? [seq] [!seq], the whole name. */
export function fnmatch(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') re += '.*'
    else if (c === '?') re += '.'
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end < 0) re += '\\['
      else {
        let set = pattern.slice(i + 1, end).replace(/\\/g, '\\\\')
        if (set.startsWith('!')) set = '^' + set.slice(1)
        re += `[${set}]`
        i = end
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(`^(?:${re})$`, 's')
}
