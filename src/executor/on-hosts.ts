// Runs one task across hosts (bounded by forks), records and reports each host's result, then
// applies any_errors_fatal and max_fail_percentage.
import type { ReportData } from '../modules/module.js'
import type { Task, Vars } from '../playbook/types.js'
import type { TaskResult } from './result.js'
import { mapLimit } from '../util/limit.js'
import type { PlayContext, Scope } from './context.js'
import { recordResult } from './record.js'
import { varsFor } from './hostvars.js'
import { renderString } from '../template/render.js'
import { runTaskOnHost, type HostRun } from './task.js'

/** The task's display name; `{{ }}` in it renders with the first host's vars (as Ansible
 * templates names with what it knows), and stays as written when it cannot. */
export function taskName(t: Task, render?: (text: string) => string): string {
  let base = t.name ?? t.module
  if (render && base.includes('{{')) {
    try {
      base = render(base)
    } catch {
      // An undefined variable in a name is not worth failing a task over.
    }
  }
  return t.role ? `${t.role.name} : ${base}` : base
}

/** The result without its report data (the task's own and its loop items'), and that data. */
function takeReports(r: TaskResult): { result: TaskResult; reports: ReportData[] } {
  const reports: ReportData[] = []
  const strip = <T extends TaskResult>(x: T): T => {
    if (!x.report) return x
    const { report, ...rest } = x
    reports.push(report)
    return rest as T
  }
  const result = strip(r)
  return { result: result.items ? { ...result, items: result.items.map(strip) } : result, reports }
}

/** Run a task on hosts, record and report each result, then apply any_errors_fatal. */
export async function runOnHosts(pc: PlayContext, task: Task, hosts: string[], scope: Scope, extra: Vars[] = []): Promise<void> {
  const name = taskName(task, (text) => renderString(text, varsFor(pc, hosts[0]!, scope, task.vars, task.pos, extra), task.pos))
  pc.emit({ kind: 'task-start', name, pos: task.pos, hosts, handler: scope.handler, role: task.role?.name, ...(scope.section ? { section: scope.section } : {}) })
  const noLog = task.noLog ?? scope.inherit.noLog ?? pc.play.noLog ?? false
  // add_host acts on the inventory, not on a host: it runs once per play (Ansible's BYPASS_HOST_LOOP).
  const runOnce = task.runOnce ?? task.module === 'add_host'
  const targets = runOnce ? hosts.slice(0, 1) : hosts
  const ignoreUnreachable = task.ignoreUnreachable ?? scope.inherit.ignoreUnreachable ?? false
  const report = (host: string, run: HostRun) => {
    const { result: withReport, reports } = takeReports(run.result)
    const result = ignoreUnreachable && withReport.status === 'unreachable' ? { ...withReport, ignored: true } : withReport
    recordResult(pc, task, host, result, { ignoreUnreachable })
    pc.emit({ kind: 'task-result', host, task: name, pos: task.pos, result, delegatedTo: run.delegatedTo, noLog })
    // A module's `warnings` (Ansible's result field) print after its result, as ansible-playbook's [WARNING].
    if (!noLog) for (const message of resultWarnings(result)) pc.emit({ kind: 'warning', message, pos: task.pos })
    // Report data is the task's output: no_log hides it like the rest.
    if (!noLog) for (const r of reports) pc.emit({ kind: 'report', host, task: name, section: r.section, data: r.data })
  }
  // Each host's result is reported as soon as it is in, so live progress is live.
  const runs = await mapLimit(targets, pc.opts.forks, async (h) => {
    const run = await runTaskOnHost(pc, task, h, scope, extra)
    if (!runOnce) report(h, run)
    return run
  })
  if (runOnce) for (const h of hosts) report(h, runs[0]!)
  const all: Array<[string, HostRun]> = runOnce ? hosts.map((h) => [h, runs[0]!]) : targets.map((h, i) => [h, runs[i]!])
  const fatal = task.anyErrorsFatal ?? scope.inherit.anyErrorsFatal ?? pc.play.anyErrorsFatal
  const failedNow = all.filter(([, r]) => r.result.status === 'failed' && !r.result.ignored).length
  if (fatal && failedNow > 0) {
    pc.runStop.value = true
    pc.emit({ kind: 'warning', message: `any_errors_fatal: stopping the run after '${name}' failed`, pos: task.pos })
  }
  const pct = pc.play.maxFailPercentage
  if (pct !== undefined) {
    const failed = pc.batch.filter((h) => pc.state.hosts.get(h)?.failed || pc.state.hosts.get(h)?.unreachable).length
    if ((failed / pc.batch.length) * 100 > pct) {
      pc.runStop.value = true
      pc.emit({ kind: 'warning', message: `max_fail_percentage ${pct}% exceeded (${failed}/${pc.batch.length} hosts failed): stopping the run`, pos: task.pos })
    }
  }
}

/** The `warnings` of a result and of its loop items, each once. */
export function resultWarnings(r: TaskResult): string[] {
  const all = [r, ...(r.items ?? [])].flatMap((x) => (Array.isArray(x.data.warnings) ? x.data.warnings : []))
  return [...new Set(all.filter((w): w is string => typeof w === 'string'))]
}
