// Runs a playbook written into a temp folder, in-process, and collects its events.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { RunEvent } from '../../src/events.js'
import type { HostStats } from '../../src/executor/result.js'
import type { RunOptions } from '../../src/executor/context.js'
import { runPlaybook, type RunRequest } from '../../src/run.js'
import { tempDir } from './tmp.js'

export interface InlineRun {
  code: number
  events: RunEvent[]
  stats: Record<string, HostStats>
  dir: string
  /** Results per task name per host. */
  results(task: string): Array<Extract<RunEvent, { kind: 'task-result' }>>
}

export function writeTree(files: Record<string, string>, dir = tempDir('tsplay-t-')): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true })
    writeFileSync(join(dir, rel), text)
  }
  return dir
}

export async function runIn(dir: string, opts: Partial<RunOptions> & Partial<Omit<RunRequest, 'options'>> = {}): Promise<InlineRun> {
  const events: RunEvent[] = []
  const { inventory, limit, syntaxCheck, listTasks, listHosts, playbook, ...o } = opts
  const code = await runPlaybook(
    {
      playbook: playbook ?? join(dir, 'playbook.yml'),
      inventory: inventory ?? undefined,
      limit,
      syntaxCheck: syntaxCheck ?? false,
      listTasks: listTasks ?? false,
      listHosts: listHosts ?? false,
      acceptNewHostKeys: false,
      options: { check: false, diff: false, forks: 5, tags: { only: [], skip: [] }, verbose: 0, ...o, extraVars: { dir, ...(o.extraVars ?? {}) } },
    },
    { emit: (e) => events.push(e), signal: new AbortController().signal, hardSignal: new AbortController().signal, stopping: { value: false }, interrupted: () => false },
  )
  const recap = events.find((e): e is Extract<RunEvent, { kind: 'recap' }> => e.kind === 'recap')
  return {
    code,
    events,
    stats: recap?.hosts ?? {},
    dir,
    results: (task) => events.filter((e): e is Extract<RunEvent, { kind: 'task-result' }> => e.kind === 'task-result' && e.task === task),
  }
}

export async function runInline(files: Record<string, string>, opts: Parameters<typeof runIn>[1] = {}): Promise<InlineRun> {
  return runIn(writeTree(files), opts)
}
