// What every suite gets: the lab, where tsplay and the fixtures are, rounds, a temp dir, a log.
import type { LabState } from '../../src/lab/index.js'
import type { Log } from './lab.js'

export interface BenchContext {
  /** The project folder (package.json). */
  root: string
  /** Compiled tsplay CLI (dist/src/cli.js next to this bench). */
  cli: string
  /** Compiled floor script. */
  floor: string
  lab: LabState
  /** Inventory folder the lab wrote (inventory/lab<ID>). */
  inventory: string
  /** Scratch folder for playbooks, Ansible's config and homes; removed at the end. */
  tmp: string
  rounds: number
  log: Log
}

/** Environment for tsplay runs: no colours, nothing from the caller's TSPLAY_* settings except the lab id. */
export function tsplayEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TSPLAY_') || k === 'TSPLAY_LAB_ID') env[k] = v
  return { ...env, NO_COLOR: '1', ...extra }
}

export function hostList(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `h${i + 1}`)
}
