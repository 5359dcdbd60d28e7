// What copy and template share: where the file lands (dest or dest/<basename of src>), the one
// stat round trip for it, and the plan from "desired bytes + destination state".
import { readFileSync, statSync } from 'node:fs'
import type { Change, ModuleContext, Plan, PlanContext } from '../module.js'
import { argv } from '../../connection/quote.js'
import { statPaths, type PathState } from './gather.js'
import { formatMode, resolveMode, type ModeArg } from './mode.js'
import { argPath, baseOf, dirOf, isSet, joinPath, sha1, toBuffer } from './paths.js'
import { planWrite } from './write.js'

export interface CopyLikeArgs {
  src?: string | null
  dest: string
  owner?: string | null
  group?: string | null
  mode?: ModeArg | null
  backup?: boolean | null
  force?: boolean | null
  validate?: string | null
  directory_mode?: ModeArg | null
}

export interface CopyLikeState {
  /** The bytes to write: text, or base64 when sourceEncoding says so (binary src files). */
  source: string
  sourceEncoding?: 'base64'
  /** Mode of the controller's src file, for mode: preserve. */
  sourceMode?: number
  euid: number
  dest: PathState
  /** Parent folder of dest; `planned`: missing, but an earlier task of this --check run makes it. */
  parent: PathState & { planned?: boolean }
  /** dest/<basename of src>, used when dest is a directory. */
  inDir?: PathState
}

/** Above this, --diff shows no content (Ansible's max_file_size_for_diff is 104448). */
const DIFF_LIMIT = 104448

/** Shared schema properties of copy and template. */
export const copyLikeProps = {
  dest: { type: 'string', description: "Path on the target; a directory (or a path ending in '/') receives the file under the src basename." },
  owner: { type: ['string', 'null'], default: null, description: 'User name or uid to own the file; null keeps it (root keeps the old owner when replacing).' },
  group: { type: ['string', 'null'], default: null, description: 'Group name or gid of the file; null keeps it.' },
  mode: {
    type: ['string', 'integer', 'null'],
    default: null,
    description: "Mode: '0644', '644', symbolic 'u=rw,g=r,o=r', 'preserve' (the source's), or an integer taken as the numeric mode (420 = 0644; 644 is 0o1204, so quote modes). null keeps an existing file's mode.",
  },
  backup: { type: 'boolean', default: false, description: 'Copy the old file to <dest>.<pid>.<timestamp>~ before replacing it; the name is in backup_file.' },
  force: { type: 'boolean', default: true, description: 'Replace the file when its content differs; false only creates missing files.' },
  validate: { type: ['string', 'null'], default: null, description: "Command run on the new content before it replaces dest, '%s' being a temp copy (e.g. 'visudo -cf %s'); failure leaves dest untouched." },
} as const

export async function gatherCopyLike(args: CopyLikeArgs, ctx: ModuleContext, source: Buffer, sourceMode?: number): Promise<CopyLikeState> {
  const reqs = [
    { path: args.dest, checksum: true, content: ctx.diff ? ('text' as const) : undefined, maxContent: DIFF_LIMIT },
    { path: dirOf(args.dest) },
  ]
  if (isSet(args.src)) reqs.push({ path: joinPath(args.dest, baseOf(args.src)), checksum: true, content: reqs[0]!.content, maxContent: DIFF_LIMIT })
  const { uid, paths } = await statPaths(ctx, reqs)
  const text = source.toString('utf8')
  const isText = Buffer.from(text, 'utf8').equals(source)
  // A folder an earlier task of this --check run planned: the file would be created in it.
  const parent = !paths[1]!.exists && ctx.planned?.has(paths[1]!.path) ? { path: paths[1]!.path, exists: true, type: 'directory' as const, planned: true } : paths[1]!
  const st: CopyLikeState = { source: isText ? text : source.toString('base64'), euid: uid, dest: paths[0]!, parent }
  if (!isText) st.sourceEncoding = 'base64'
  if (sourceMode !== undefined) st.sourceMode = sourceMode
  if (paths[2]) st.inDir = paths[2]
  return st
}

/** Read a controller file and its mode (for mode: preserve). */
export function readControllerFile(file: string): { content: Buffer; mode: number } {
  return { content: readFileSync(file), mode: statSync(file).mode & 0o7777 }
}

export function planCopyLike(args: CopyLikeArgs, state: CopyLikeState, ctx: PlanContext, content?: string | null): Plan {
  const want: string | Buffer = isSet(content) ? content : state.sourceEncoding === 'base64' ? Buffer.from(state.source, 'base64') : state.source
  const changes: Change[] = []
  const makes: string[] = []
  const intoDir = args.dest.endsWith('/') || state.dest.type === 'directory'
  let target = state.dest
  if (intoDir) {
    if (isSet(content)) return { changes, failed: 'can not use content with a dir as dest' }
    target = state.inDir ?? { path: joinPath(args.dest, baseOf(args.src ?? '')), exists: false }
    if (!state.dest.exists) {
      // Ansible creates a missing destination folder only when dest ends with '/'.
      let m: string[] = []
      try {
        if (isSet(args.directory_mode)) m = ['-m', formatMode(resolveMode(args.directory_mode, 0o755, true, 'directory_mode'))]
      } catch (e) {
        return { changes, failed: (e as Error).message }
      }
      changes.push({ kind: 'exec', cmd: argv(['mkdir', '-p', ...m, '--', argPath(args.dest)]) })
      makes.push(args.dest)
    }
  } else if (!state.parent.exists) {
    return { changes, failed: `Destination directory ${dirOf(args.dest)} does not exist` }
  }
  if (target.exists && target.type === 'directory') return { changes, failed: `${target.path} is a directory` }
  if (target.exists && args.force === false) {
    return { changes, reason: `${target.path} exists and force is false`, data: { dest: target.path } }
  }
  let mode = args.mode
  if (mode === 'preserve') {
    if (state.sourceMode === undefined) return { changes, failed: "mode: preserve needs a src file" }
    mode = formatMode(state.sourceMode)
  }
  const w = planWrite(want, target, state.euid, { owner: args.owner, group: args.group, mode, backup: args.backup, validate: args.validate }, ctx.diff)
  if (w.error) return { changes, failed: w.error }
  // Ansible's copy/template result: state is always 'file'.
  const data = { dest: target.path, checksum: sha1(want), size: toBuffer(want).length, state: 'file' }
  if (!target.exists && w.changes.length) makes.push(target.path)
  const plan: Plan = { changes: [...changes, ...w.changes], reason: w.reason, data }
  if (makes.length) plan.makes = makes
  if (w.diff.length) plan.diff = w.diff
  return plan
}
