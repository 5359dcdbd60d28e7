// File modes as Ansible takes them: octal strings ('0644', '644'), symbolic ('u=rw,g=r,o=r',
// 'u+x', 'a-w', 'u=rwX'), or an integer used as the numeric mode itself (420 is 0644).
// A bad mode is an ArgError naming the argument, so the task fails at that line.
// Like Ansible, an integer is never re-read as octal: 644 is 0o1204. YAML 1.2 (our loader) reads
// `mode: 0644` as the integer 644 too, so modes should be quoted; see docs/modules/files.md.

import { ArgError } from '../../errors.js'

const CLASS = {
  u: { r: 0o400, w: 0o200, x: 0o100, s: 0o4000, t: 0, shift: 6 },
  g: { r: 0o040, w: 0o020, x: 0o010, s: 0o2000, t: 0, shift: 3 },
  o: { r: 0o004, w: 0o002, x: 0o001, s: 0, t: 0o1000, shift: 0 },
} as const
type Who = keyof typeof CLASS

export type ModeArg = string | number

/** Is this a symbolic mode, which depends on the file's current mode and type? */
export function isSymbolic(mode: ModeArg): boolean {
  return typeof mode === 'string' && !/^[0-7]{1,5}$/.test(mode)
}

/** Resolve a mode argument (named `arg` in the task) against the current mode. */
export function resolveMode(mode: ModeArg, current: number, isDir: boolean, arg = 'mode'): number {
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new ArgError(arg, `${arg} ${mode} is not a valid file mode`)
    return mode
  }
  if (/^[0-7]{1,5}$/.test(mode)) {
    const n = parseInt(mode, 8)
    if (n > 0o7777) throw new ArgError(arg, `${arg} '${mode}' is not a valid file mode`)
    return n
  }
  let m = current & 0o7777
  for (const clause of mode.split(',')) {
    const c = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause)
    if (!c) throw new ArgError(arg, `${arg} '${mode}' must be octal ('0644') or symbolic ('u=rw,g=r,o=r')`)
    const whoText = c[1]!.replace(/a/g, 'ugo') || 'ugo'
    const who = [...new Set(whoText.split(''))] as Who[]
    for (const op of c[2]!.match(/[-+=][rwxXstugo]*/g)!) {
      const before = m
      let bits = 0
      let mask = 0
      for (const w of who) {
        const k = CLASS[w]
        mask |= k.r | k.w | k.x | k.s | k.t
        for (const p of op.slice(1)) {
          if (p === 'r' || p === 'w' || p === 'x' || p === 's' || p === 't') bits |= k[p]
          else if (p === 'X') {
            if (isDir || (before & 0o111) !== 0) bits |= k.x
          } else {
            // u/g/o: copy that class's rwx bits into this class.
            const src = CLASS[p as Who]
            bits |= (((before >> src.shift) & 7) << k.shift)
          }
        }
      }
      if (op[0] === '=') m = (m & ~mask) | bits
      else if (op[0] === '+') m |= bits
      else m &= ~bits
    }
  }
  return m
}

/** '0644', '04755': how Ansible prints a mode. */
export function formatMode(mode: number): string {
  return '0' + (mode & 0o7777).toString(8).padStart(3, '0')
}
