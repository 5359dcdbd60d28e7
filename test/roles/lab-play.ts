// Shared by the role tests: the lab they run on, role playbooks run in-process, and host probes.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultInventoryDir, labExec } from '../../src/lab/index.js'
import { projectRoot } from '../../src/lab/config.js'
import type { RunEvent } from '../../src/events.js'
import { runIn, writeTree, type InlineRun } from '../helpers/run-playbook.js'

export const ROLES_DIR = join(projectRoot(), 'roles')
export const INVENTORY = defaultInventoryDir()

/** Run `playbook` (YAML text) against the lab with the project's roles. */
export async function play(playbook: string, opts: Parameters<typeof runIn>[1] = {}): Promise<InlineRun> {
  process.env.TSPLAY_ROLES_PATH = ROLES_DIR
  const dir = writeTree({ 'playbook.yml': playbook })
  return runIn(dir, { inventory: INVENTORY, ...opts })
}

/** The first ```yaml block of a role's README: its example, run as written. */
export function readmeExample(role: string): string {
  const text = readFileSync(join(ROLES_DIR, role, 'README.md'), 'utf8')
  const m = /```yaml\n([\s\S]*?)```/.exec(text)
  assert.ok(m, `roles/${role}/README.md has a yaml example`)
  return m[1]!
}

/** Run a bash script on a lab host; fails the test on a non-zero exit. */
export async function onHost(host: string, script: string): Promise<string> {
  const r = await labExec(host, ['bash', '-c', script])
  assert.equal(r.rc, 0, `[${host}] ${script}\n${r.stderr}`)
  return r.stdout
}

export function failures(run: InlineRun): string[] {
  return run.events
    .filter((e): e is Extract<RunEvent, { kind: 'task-result' }> => e.kind === 'task-result' && e.result.status === 'failed')
    .map((e) => `${e.task}: ${e.result.msg ?? ''}`)
}

/** Sum of changed over hosts, with the failures in the message when the run failed. */
export function changed(run: InlineRun): number {
  assert.equal(run.code, 0, `run failed: ${failures(run).join('\n')}`)
  return Object.values(run.stats).reduce((n, s) => n + s.changed, 0)
}

export function hasDiff(run: InlineRun, task: RegExp): boolean {
  return run.events.some((e) => e.kind === 'task-result' && task.test(e.task) && (!!e.result.diff?.length || !!e.result.items?.some((i) => i.diff?.length)))
}

export async function waitFor(what: string, probe: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await probe())) {
    assert.ok(Date.now() < deadline, `${what} within ${ms / 1000} s`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** Time labelled steps of a test file, for the summary line it prints at the end. */
export function stopwatch(): { timings: string[]; timed: <T>(label: string, f: () => Promise<T>) => Promise<T> } {
  const timings: string[] = []
  const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
    const t = Date.now()
    try {
      return await f()
    } finally {
      timings.push(`${label} ${Date.now() - t} ms`)
    }
  }
  return { timings, timed }
}
