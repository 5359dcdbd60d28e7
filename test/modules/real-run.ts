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

export interface Contract {
  checked: TaskResult
  first: TaskResult
  second: TaskResult
  rechecked: TaskResult
}

/** Check, run, rerun, recheck: the real run's result. */
export async function twice(run: Run, state: () => unknown, name: string, args: Record<string, unknown>, over: Over = {}): Promise<TaskResult> {
  return (await contract(run, state, name, args, over)).first
}

/** Check, run, rerun, recheck; `state()` is what --check must leave alone and the run must
 * change. The one contract of every module's integration tests. */
export async function contract(run: Run, state: () => unknown, name: string, args: Record<string, unknown>, over: Over = {}): Promise<Contract> {
  const before = await state()
  const checked = await run(name, args, { ...over, check: true, diff: true })
  assert.equal(checked.status, 'changed', `--check predicts a change: ${checked.msg}`)
  assert.deepEqual(await state(), before, '--check changed nothing')
  const first = await run(name, args, { ...over, diff: true })
  assert.equal(first.status, 'changed', `first run changed: ${first.msg}`)
  assert.notDeepEqual(await state(), before, 'the run changed the state')
  const second = await run(name, args, over)
  assert.equal(second.status, 'ok', `second run is ok: ${second.msg}`)
  assert.ok(second.msg, 'the second run says why nothing changed')
  const rechecked = await run(name, args, { ...over, check: true })
  assert.equal(rechecked.status, 'ok', `--check after the run predicts no change: ${rechecked.msg}`)
  return { checked, first, second, rechecked }
}
