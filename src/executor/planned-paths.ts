// The paths a --check run has planned to create so far, per host: a file planned into a planned
// folder is a predicted creation, not a refusal of a missing folder (Ansible refuses; the real run
// makes both), and a creates/removes guard on a planned file decides as the run will.
import type { PlannedPaths } from '../modules/module.js'

export class PlannedPathsByHost {
  private readonly byHost = new Map<string, Set<string>>()

  /** The record of one host (the task's target, after delegate_to). */
  of(host: string): PlannedPaths {
    let set = this.byHost.get(host)
    if (!set) this.byHost.set(host, (set = new Set()))
    const paths = set
    return {
      add: (path) => void paths.add(trim(path)),
      // Whatever makes a path makes every missing folder above it too (mkdir -p, or it would fail).
      has: (path) => {
        const d = trim(path)
        for (const p of paths) if (p === d || p.startsWith(d === '/' ? '/' : `${d}/`)) return true
        return false
      },
    }
  }
}

const trim = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p)
