// Running one module for real through the shared runner, and the contract every module keeps:
// --check predicts a change and writes nothing, the run changes, a rerun and a recheck are ok.
import assert from 'node:assert/strict'
import { runModule } from '../../src/executor/apply.js'
import type { TaskResult } from '../../src/executor/result.js'
import { getModule } from '../../src/modules/index.js'
import type { ModuleContext } from '../../src/modules/module.js'
import { check } from '../../src/schema/validate.js'
import { localContext } from './context.js'

export type Over = Partial<ModuleContext>
export type Run = (name: string, args: Record<string, unknown>, over?: Over) => Promise<TaskResult>

/** A runner whose context has `base` (findFile, render...) under each call's own overrides. */
export function runner(base: Over = {}): Run {
  return async (name, args, over = {}) => {
    const mod = getModule(name)
    assert.ok(mod, `module ${name} is registered`)
    const a = structuredClone(args)
    const problem = check(mod.schema, a)
    assert.equal(problem, undefined, problem?.message)
    return runModule(mod, a, localContext({ ...base, ...over }))
  }
}

/** Check, run, rerun, recheck; `state()` is what --check must leave alone. Returns the real run. */
export async function twice(run: Run, state: () => unknown, name: string, args: Record<string, unknown>, over: Over = {}): Promise<TaskResult> {
  const before = state()
  const checked = await run(name, args, { ...over, check: true, diff: true })
  assert.equal(checked.status, 'changed', `--check predicts a change: ${checked.msg}`)
  assert.deepEqual(state(), before, '--check changed nothing')
  const first = await run(name, args, { ...over, diff: true })
  assert.equal(first.status, 'changed', `first run changed: ${first.msg}`)
  const second = await run(name, args, over)
  assert.equal(second.status, 'ok', `second run is ok: ${second.msg}`)
  const rechecked = await run(name, args, { ...over, check: true })
  assert.equal(rechecked.status, 'ok', `--check after the run predicts no change: ${rechecked.msg}`)
  return first
}
