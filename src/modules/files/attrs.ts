// Planning owner/group/mode of an existing path: quoted chmod/chown commands for what differs,
// the before/after lines for --diff, and the reason when everything already matches.
import type { Change } from '../module.js'
import { argv } from '../../connection/quote.js'
import type { PathState } from './gather.js'
import { formatMode, isSymbolic, resolveMode, type ModeArg } from './mode.js'
import { argPath, isSet } from './paths.js'

export interface AttrArgs {
  mode?: ModeArg | null
  owner?: string | null
  group?: string | null
}

export interface AttrPlan {
  changes: Change[]
  /** "mode: 0644" lines of what differs, before and after. */
  before: string[]
  after: string[]
  /** What already matches, for the no-change reason. */
  same: string[]
  error?: string
}

/** Does a user's owner/group value (name or numeric id) name this id/name? */
export function sameId(want: string, id: number | undefined, name: string | undefined): boolean {
  return /^\d+$/.test(want) ? Number(want) === id : want === name
}

/** The mode a path would get; undefined when mode is not set. Throws on a bad mode. */
export function wantedMode(mode: ModeArg | null | undefined, st: PathState, fallback = 0o644): number | undefined {
  if (!isSet(mode)) return undefined
  return resolveMode(mode, st.mode ?? fallback, st.type === 'directory')
}

/**
 * Attribute changes for `st` (which exists). `recurse` adds the distinct attributes found below a
 * directory (st.tree) to the comparison and makes the commands recursive.
 */
export function planAttrs(args: AttrArgs, st: PathState, opts: { recurse?: boolean } = {}): AttrPlan {
  const out: AttrPlan = { changes: [], before: [], after: [], same: [] }
  const p = argPath(st.path)
  const isLink = st.type === 'link'
  const R = opts.recurse ? ['-R'] : []
  const tree = opts.recurse ? (st.tree ?? []).map(parseTreeLine) : []

  if (isSet(args.mode) && !isLink) {
    let want: number
    try {
      want = resolveMode(args.mode, st.mode ?? 0, st.type === 'directory')
    } catch (e) {
      out.error = (e as Error).message
      return out
    }
    // Symlinks have no mode of their own on Linux; chmod -R skips them too.
    const treeDiffers = tree.some((t) => t.type !== 'l' && resolveMode(args.mode!, t.mode, t.type === 'd') !== t.mode)
    if (want !== st.mode || treeDiffers) {
      // Recursively, a symbolic mode must be re-evaluated per file (u=rwX), so chmod gets it as is.
      // GNU chmod keeps a directory's setgid bit unless the octal mode has 5 digits (00755).
      const arg = opts.recurse && isSymbolic(args.mode) ? String(args.mode) : (st.type === 'directory' ? '0' : '') + formatMode(want)
      out.changes.push({ kind: 'exec', cmd: argv(['chmod', ...R, arg, '--', p]) })
      out.before.push(`mode: ${formatMode(st.mode ?? 0)}${treeDiffers ? ' (or below)' : ''}`)
      out.after.push(`mode: ${formatMode(want)}`)
    } else out.same.push(`mode ${formatMode(want)}`)
  }

  const ownerDiffers = isSet(args.owner) && (!sameId(args.owner, st.uid, st.owner) || tree.some((t) => !sameId(args.owner!, t.uid, t.owner)))
  const groupDiffers = isSet(args.group) && (!sameId(args.group, st.gid, st.group) || tree.some((t) => !sameId(args.group!, t.gid, t.group)))
  if (isSet(args.owner)) {
    if (ownerDiffers) {
      out.before.push(`owner: ${st.owner ?? st.uid}`)
      out.after.push(`owner: ${args.owner}`)
    } else out.same.push(`owner ${args.owner}`)
  }
  if (isSet(args.group)) {
    if (groupDiffers) {
      out.before.push(`group: ${st.group ?? st.gid}`)
      out.after.push(`group: ${args.group}`)
    } else out.same.push(`group ${args.group}`)
  }
  // -h: change a symlink itself, never what it points at.
  const h = isLink ? ['-h'] : []
  if (ownerDiffers || groupDiffers) {
    const spec = ownerDiffers && groupDiffers ? `${args.owner}:${args.group}` : ownerDiffers ? args.owner! : `:${args.group}`
    out.changes.push({ kind: 'exec', cmd: argv(['chown', ...h, ...R, spec, '--', p]) })
  }
  return out
}

interface TreeEntry {
  type: string
  mode: number
  uid: number
  gid: number
  owner: string
  group: string
}

function parseTreeLine(line: string): TreeEntry {
  const [type, mode, uid, gid, owner, group] = line.split(' ')
  return { type: type!, mode: parseInt(mode!, 8), uid: Number(uid), gid: Number(gid), owner: owner!, group: group! }
}

/** "mode 0644, owner root" → the reason text when nothing differs. */
export function sameText(a: AttrPlan): string {
  return a.same.length ? `, ${a.same.join(', ')}` : ''
}
