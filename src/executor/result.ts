// A task's outcome on one host is a value, never an exception: failures travel as TaskResult.
import type { FileDiff, ReportData } from '../modules/module.js'

export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable'

export interface TaskResult {
  status: TaskStatus
  /** The one-line message (failure reason, debug msg, skip reason, no-change reason). */
  msg?: string
  diff?: FileDiff[]
  /** Module data, registered as-is: rc, stdout, stderr, stat, content... */
  data: Record<string, unknown>
  /** A loop's per-item results, in order. */
  items?: ItemResult[]
  /** Failed but ignore_errors was set: counted as ignored, the host goes on. */
  ignored?: boolean
  /** What check mode would have done (commands, uploads), for -v and --json. */
  planned?: string[]
  durationMs: number
  /** Data for the run report; the executor sends it as a `report` event, never in task-result. */
  report?: ReportData
}

export interface ItemResult extends TaskResult {
  item: unknown
  label: string
  /** The loop variables of this iteration (item, ansible_loop_var, index_var, ansible_loop), registered with it. */
  loopVars?: Record<string, unknown>
}

export interface HostStats {
  ok: number
  changed: number
  failed: number
  skipped: number
  unreachable: number
  rescued: number
  ignored: number
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, rescued: 0, ignored: 0 }
}

/** The value `register:` stores, shaped like Ansible's so `when: r.rc == 0` reads the same. */
export function registeredValue(r: TaskResult): Record<string, unknown> {
  const v: Record<string, unknown> = {
    ...r.data,
    changed: r.status === 'changed',
    failed: r.status === 'failed',
    skipped: r.status === 'skipped',
    unreachable: r.status === 'unreachable',
  }
  if (r.msg !== undefined) v.msg = r.msg
  // A module's own Ansible-shaped diff (file's {before, after}) wins over the --diff text.
  if (r.diff && v.diff === undefined) v.diff = r.diff
  if (r.items) v.results = r.items.map((i) => ({ ...registeredValue(i), ...i.loopVars, item: i.item }))
  return v
}
