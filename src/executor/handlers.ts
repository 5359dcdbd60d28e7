// Handlers run at the end of each section (or at meta: flush_handlers), once, in definition
// order, only on the hosts that notified them by name or `listen` topic.
import type { Task } from '../playbook/types.js'
import type { PlayContext } from './context.js'
import { halted, rootScope } from './context.js'
import { runOnHosts } from './on-hosts.js'

/** Role handlers first (roles are defined before the play's own handlers), then the play's. */
export function playHandlers(pc: PlayContext): Task[] {
  const seen = new Set<Task>()
  const out: Task[] = []
  for (const t of [...pc.play.roles.flatMap((r) => r.handlers), ...pc.play.handlers]) {
    if (!seen.has(t)) {
      seen.add(t)
      out.push(t)
    }
  }
  return out
}

// A handler answers to its name, its `listen` topics, and `role : name` (Ansible's qualified form).
const topics = (h: Task): string[] => [...(h.name ? [h.name] : []), ...(h.name && h.role ? [`${h.role.name} : ${h.name}`] : []), ...h.listen]

export async function flushHandlers(pc: PlayContext, hosts: readonly string[]): Promise<void> {
  const handlers = playHandlers(pc)
  // A handler may notify another; keep passing until nothing is pending (bounded).
  for (let pass = 0; pass < 10; pass++) {
    let ran = false
    for (const h of handlers) {
      if (halted(pc, rootScope())) return
      const names = topics(h)
      const targets = hosts.filter((host) => pc.state.active(host) && names.some((n) => pc.state.host(host).notified.has(n)))
      if (targets.length === 0) continue
      for (const host of targets) for (const n of names) pc.state.host(host).notified.delete(n)
      ran = true
      await runOnHosts(pc, h, targets, { ...rootScope(), role: h.role, handler: true })
    }
    if (!ran) return
  }
}
