// The `attributes` (alias `attr`) argument of file modules: ext2-style flags read with `lsattr -vd`
// and set with `chattr`, as Ansible does ('+i', '-a', '=A' or plain 'iA' meaning '=').
import { argv } from '../../connection/quote.js'
import type { Change } from '../module.js'
import { argPath } from './paths.js'

/** What lsattr said: the flags set ('-' removed, Ansible's attr_flags), or why it could not read. */
export type AttrFlags = { flags: string; version?: string } | { error: string }

/** Flags lsattr shows but chattr cannot set or clear (extents, htree index, inline data,
 * encryption, verity, huge file, dirty): left out when comparing an '=' request. */
const READ_ONLY = new Set(['e', 'E', 'h', 'I', 'N', 'V', 'Z'])

/** The shell command gather runs: lsattr's line, or its error on stdout after 'E '. */
export function lsattrCmd(path: string): string {
  const p = argv([argPath(path)])
  // overlayfs answers the flags but not the version (-v): then read them without it.
  return `if out=$(lsattr -vd -- ${p} 2>&1); then printf 'A %s\\n' "$out"; elif out=$(lsattr -d -- ${p} 2>&1); then printf 'A - %s\\n' "$out"; else printf 'E %s\\n' "$out"; fi`
}

export function parseLsattr(out: string): AttrFlags {
  const line = out.trim()
  if (line.startsWith('E ') || !line.startsWith('A ')) return { error: line.replace(/^E /, '') }
  const [version, flags = ''] = line.slice(2).trim().split(/\s+/)
  return { flags: flags.replace(/-/g, ''), version }
}

export interface AttrsPlan {
  change?: Change
  before?: string
  after?: string
}

/** The chattr call that makes `want` true of a path with `cur`, or nothing when it already is. */
export function planChattr(want: string, cur: AttrFlags, path: string): AttrsPlan {
  const op = want.startsWith('+') || want.startsWith('-') || want.startsWith('=') ? want[0]! : '='
  const flags = op === want[0] ? want.slice(1) : want
  const have = 'flags' in cur ? cur.flags : ''
  const wantSet = new Set(flags)
  const haveSet = new Set(have)
  let same: boolean
  if (op === '+') same = [...wantSet].every((f) => haveSet.has(f))
  else if (op === '-') same = [...wantSet].every((f) => !haveSet.has(f))
  else {
    const mine = (s: Set<string>) => [...s].filter((f) => !READ_ONLY.has(f) || wantSet.has(f)).sort().join('')
    same = mine(wantSet) === mine(haveSet)
  }
  // Unreadable flags (a filesystem without them) count as none, as Ansible's: asking for one runs
  // chattr, which then says why it cannot.
  if (same) return {}
  return {
    change: { kind: 'exec', cmd: argv(['chattr', `${op}${flags}`, '--', argPath(path)]) },
    before: have,
    after: `${op}${flags}`,
  }
}
