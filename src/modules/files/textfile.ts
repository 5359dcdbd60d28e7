// What lineinfile and blockinfile share: read the file (through symlinks, as Ansible writes to
// the link's target) in one round trip, and turn the edited text into a write plan.
import type { Change, ModuleContext, Plan, PlanContext } from '../module.js'
import { argv } from '../../connection/quote.js'
import { statPaths, type PathState } from './gather.js'
import { argPath, dirOf } from './paths.js'
import { planWrite, type WriteArgs } from './write.js'

export interface TextFileState {
  euid: number
  file: PathState
  parent: PathState
}

export const textFileProps = {
  path: { type: 'string', aliases: ['dest', 'destfile', 'name'], description: 'File to edit on the target (a symlink is followed).' },
  state: { enum: ['present', 'absent'], default: 'present', description: 'present: make sure the text is there; absent: remove it.' },
  create: { type: 'boolean', default: false, description: 'Create the file (and its folders) when missing; otherwise a missing file fails the task.' },
  backup: { type: 'boolean', default: false, description: 'Copy the old file to <path>.<pid>.<timestamp>~ before changing it; the name is in backup (lineinfile) or backup_file.' },
  owner: { type: ['string', 'null'], default: null, description: 'User name or uid to own the file; null keeps it.' },
  group: { type: ['string', 'null'], default: null, description: 'Group name or gid of the file; null keeps it.' },
  mode: { type: ['string', 'integer', 'null'], default: null, description: "Mode: '0644', symbolic 'u=rw,g=r,o=r', or an integer taken as the numeric mode (420 = 0644). null keeps it." },
  validate: { type: ['string', 'null'], default: null, description: "Command run on the edited temp copy before it replaces the file, '%s' being that copy." },
} as const

export async function gatherText(path: string, ctx: ModuleContext): Promise<TextFileState> {
  const { uid, paths } = await statPaths(ctx, [
    { path, follow: true, checksum: true, content: 'text' },
    { path: dirOf(path), follow: true },
  ])
  return { euid: uid, file: paths[0]!, parent: paths[1]! }
}

/** Plan writing `text` (the edited file) with attributes; `unchanged` says why when it's the same. */
export function planText(st: TextFileState, args: WriteArgs, ctx: PlanContext, text: string, msg: string, unchanged: string, backupKey?: string): Plan {
  // Edits land on the symlink's target, as Ansible's realpath() write does.
  const target: PathState = { ...st.file, path: st.file.realPath ?? st.file.path }
  // A missing file the edit left alone (backrefs without a match) is not created.
  if (!st.file.exists && !msg) return { changes: [], reason: unchanged }
  const changes: Change[] = []
  if (!st.file.exists && !st.parent.exists) changes.push({ kind: 'exec', cmd: argv(['mkdir', '-p', '--', argPath(dirOf(st.file.path))]) })
  const w = planWrite(text, target, st.euid, args, ctx.diff, backupKey)
  if (w.error) return { changes: [], failed: w.error }
  const plan: Plan = { changes: [...changes, ...w.changes], reason: msg || (w.changes.length ? w.reason : unchanged) }
  if (msg) plan.msg = msg
  if (w.diff.length) plan.diff = w.diff
  return plan
}

/** The common refusals: a directory, an unreadable file, a missing file without create. */
export function checkTextFile(st: TextFileState, create: boolean | undefined): string | undefined {
  const f = st.file
  if (f.exists && f.type === 'directory') return `Path ${f.path} is a directory !`
  if (f.exists && f.content === undefined) return `Cannot read ${f.path}`
  if (!f.exists && !create) return `Destination ${f.path} does not exist !`
  return undefined
}
