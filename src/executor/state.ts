// What the run remembers about each host between tasks: facts, registered results, failure,
// notified handlers and the recap counters.
import type { Inventory } from '../inventory/types.js'
import type { Vars } from '../playbook/types.js'
import { PlannedPathsByHost } from './planned-paths.js'
import { emptyStats, type HostStats } from './result.js'

export interface HostState {
  name: string
  /** Facts from setup/gather_facts (ansible_*). */
  facts: Vars
  /** set_fact values and registered results: one layer, as in Ansible. */
  registered: Vars
  failed: boolean
  unreachable: boolean
  /** Left the play through meta: end_host (not a failure). */
  ended: boolean
  notified: Set<string>
  stats: HostStats
  /** The last failed task, exposed to rescue sections as ansible_failed_task/result. */
  lastFailure?: { task: string; result: Vars }
}

export class RunState {
  readonly hosts = new Map<string, HostState>()
  /** --check: the paths planned to be created on each host so far. */
  readonly planned = new PlannedPathsByHost()

  constructor(readonly inventory: Inventory) {}

  host(name: string): HostState {
    let h = this.hosts.get(name)
    if (!h) {
      h = {
        name,
        facts: {},
        registered: {},
        failed: false,
        unreachable: false,
        ended: false,
        notified: new Set(),
        stats: emptyStats(),
      }
      this.hosts.set(name, h)
    }
    return h
  }

  /** A host still takes tasks: not failed, not unreachable, not ended. */
  active(name: string): boolean {
    const h = this.hosts.get(name)
    return !h || (!h.failed && !h.unreachable && !h.ended)
  }

  stats(): Record<string, HostStats> {
    const out: Record<string, HostStats> = {}
    for (const [name, h] of this.hosts) out[name] = { ...h.stats }
    return out
  }
}
