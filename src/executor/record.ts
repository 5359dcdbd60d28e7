// After a task ran on a host: count it, register it, set facts, note handlers, mark failure.
import type { Task } from '../playbook/types.js'
import type { PlayContext } from './context.js'
import { registeredValue, type TaskResult } from './result.js'

/** `ignoreUnreachable`: the task's ignore_unreachable: the host is not dropped, the result counts as ignored. */
export function recordResult(pc: PlayContext, task: Task, host: string, result: TaskResult, opts: { ignoreUnreachable?: boolean } = {}): void {
  const h = pc.state.host(host)
  const s = h.stats
  switch (result.status) {
    case 'ok':
      s.ok++
      break
    case 'changed':
      s.ok++
      s.changed++
      break
    case 'skipped':
      s.skipped++
      break
    case 'unreachable':
      if (opts.ignoreUnreachable) {
        s.ignored++
        break
      }
      s.unreachable++
      h.unreachable = true
      break
    case 'failed':
      if (result.ignored) {
        s.ok++
        s.ignored++
      } else {
        s.failed++
        h.failed = true
        h.lastFailure = { task: task.name ?? task.module, result: registeredValue(result) }
      }
      break
  }
  if (task.register) h.registered[task.register] = registeredValue(result)
  const facts = factsOf(result)
  if (facts) {
    // include_vars has set_fact's precedence in Ansible (above play and role vars).
    if (task.module === 'set_fact' || task.module === 'include_vars') Object.assign(h.registered, facts)
    else Object.assign(h.facts, facts)
  }
  if (result.status === 'changed' || result.items?.some((i) => i.status === 'changed')) {
    for (const n of task.notify) h.notified.add(n)
  }
}

function factsOf(r: TaskResult): Record<string, unknown> | undefined {
  const merged: Record<string, unknown> = {}
  let any = false
  for (const part of [r, ...(r.items ?? [])]) {
    const f = part.data.ansible_facts
    if (f && typeof f === 'object' && part.status !== 'failed' && part.status !== 'skipped') {
      Object.assign(merged, f)
      any = true
    }
  }
  return any ? merged : undefined
}
