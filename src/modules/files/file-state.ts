// file's reading side: the arguments, what gather() reads of the path (stat, times, attributes,
// a binary peek), and the state a task ends in, as Ansible's file module resolves it.
import type { ModuleContext } from '../module.js'
import { raw, sh } from '../../connection/quote.js'
import { lsattrCmd, parseLsattr, type AttrFlags } from './chattr.js'
import { DEFAULT_TIME_FORMAT, timeWish, type TimesState, type TimeWish } from './file-times.js'
import { statPaths, type PathState } from './gather.js'
import type { ModeArg } from './mode.js'
import { argPath, dirOf, isSet, joinPath } from './paths.js'
import { read } from '../read.js'

export type FileStateName = 'file' | 'directory' | 'link' | 'hard' | 'absent' | 'touch'

export interface FileArgs {
  path: string
  state?: FileStateName | null
  src?: string | null
  owner?: string | null
  group?: string | null
  mode?: ModeArg | null
  recurse?: boolean
  force?: boolean
  follow?: boolean
  modification_time?: string | null
  modification_time_format?: string
  access_time?: string | null
  access_time_format?: string
  attributes?: string | null
  _diff_peek?: boolean | null
}

export interface FileState {
  euid: number
  /** The path itself (symlinks not followed); tree filled for recurse and link conversion. */
  path: PathState
  /** The path with symlinks followed. */
  followed?: PathState
  /** The link source, for link (relative to the link's folder) and hard. */
  src?: PathState
  /** _diff_peek: a NUL byte in the first 8 KiB. */
  binary?: boolean
  /** Precise times, when a time argument asks for them and the path exists. */
  times?: TimesState
  /** lsattr's flags, when attributes are asked for. */
  attrs?: AttrFlags
}

/** The state the task ends in, resolved as Ansible does when `state` is left out. */
export function wantedState(args: FileArgs, prev: ReturnType<typeof kindOf>): FileStateName {
  return args.state ?? (prev === 'hard' ? 'file' : prev !== 'absent' ? prev : args.recurse ? 'directory' : 'file')
}

export function wishes(args: FileArgs, state: FileStateName): [TimeWish, TimeWish] {
  return [
    timeWish(args.modification_time, args.modification_time_format ?? DEFAULT_TIME_FORMAT, state, 'modification_time'),
    timeWish(args.access_time, args.access_time_format ?? DEFAULT_TIME_FORMAT, state, 'access_time'),
  ]
}

/** Times (stat -L, the clock, each wanted local time in the target's zone) and lsattr, one read. */
export async function gatherExtras(path: string, args: FileArgs, st: FileState, ctx: ModuleContext): Promise<void> {
  const state = wantedState(args, kindOf(st.path))
  if (state === 'absent') return
  const [m, a] = wishes(args, state)
  const locals = [...new Set([m, a].flatMap((w) => (w.kind === 'at' ? [w.local] : [])))]
  const needTimes = !(m.kind === 'preserve' && a.kind === 'preserve')
  const lines: string[] = []
  if (needTimes) {
    lines.push(sh`printf 'T %s\n' "$(stat -L -c '%.9Y %.9X' -- ${argPath(path)} 2>/dev/null)"; printf 'N %s\n' "$(date +%s.%N)"`)
    locals.forEach((l, i) => lines.push(sh`printf 'D ${raw(String(i))} %s\n' "$(date -d ${l} +%s)"`))
  }
  if (isSet(args.attributes)) lines.push(lsattrCmd(path))
  if (!lines.length) return
  const r = await read(ctx, lines.join('\n'), { what: 'reading times and attributes' })
  const at: Record<string, number> = {}
  let times: [number, number] | undefined
  let now = 0
  for (const line of r.stdout.split('\n')) {
    const [tag, ...rest] = line.split(' ')
    if (tag === 'T' && rest.length >= 2 && rest[0] !== '') times = [Number(rest[0]), Number(rest[1])]
    else if (tag === 'N') now = Number(rest[0])
    else if (tag === 'D' && rest[1]) at[locals[Number(rest[0])]!] = Number(rest[1])
    else if (tag === 'A' || tag === 'E') st.attrs = parseLsattr(line)
  }
  if (times) st.times = { mtime: times[0], atime: times[1], now, at }
}

export async function gatherAt(path: string, args: FileArgs, ctx: ModuleContext): Promise<FileState> {
  const reqs = [{ path, tree: !!args.recurse || args.state === 'link' }, { path, follow: true }]
  if (isSet(args.src)) {
    const src = args.state === 'link' && !args.src.startsWith('/') ? joinPath(dirOf(path), args.src) : args.src
    reqs.push({ path: src, follow: true } as (typeof reqs)[number])
  }
  const { uid, paths } = await statPaths(ctx, reqs)
  const st: FileState = { euid: uid, path: paths[0]!, followed: paths[1]! }
  if (paths[2]) st.src = paths[2]
  if (args._diff_peek !== undefined && args._diff_peek !== null) {
    const r = await read(ctx, sh`head -c 8192 -- ${argPath(path)} 2>/dev/null | tr -d '\\000' | wc -c; head -c 8192 -- ${argPath(path)} 2>/dev/null | wc -c`, { okCodes: 'any' })
    const [kept, all] = r.stdout.trim().split('\n').map(Number)
    st.binary = kept !== all
  }
  return st
}

/** Ansible's get_state: link, directory, hard (a file with several names), file, absent. */
export function kindOf(p: PathState): 'absent' | 'link' | 'directory' | 'hard' | 'file' {
  if (!p.exists) return 'absent'
  if (p.type === 'link') return 'link'
  if (p.type === 'directory') return 'directory'
  return (p.nlink ?? 1) > 1 ? 'hard' : 'file'
}
