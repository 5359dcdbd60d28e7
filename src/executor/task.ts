// One task on one host: when, loop, args, retries/until, changed_when/failed_when, register,
// notify. Whatever happens comes back as a TaskResult; only bugs throw.
import { UnreachableError } from '../connection/connection.js'
import { formatPos, isTsplayError, TemplateError, type SourcePos } from '../errors.js'
import { getModule } from '../modules/index.js'
import type { Condition, Task, Vars } from '../playbook/types.js'
import { check } from '../schema/validate.js'
import { evalCondition } from '../template/expressions.js'
import { renderString, renderValue } from '../template/render.js'
import { isMapping, typeName } from '../template/values.js'
import { loopItems, loopVarsFor } from './loop-vars.js'
import { runModule } from './apply.js'
import { applyInventoryChange } from './dynamic-inventory.js'
import { signalFor, type PlayContext, type Scope } from './context.js'
import { OMIT, varsFor } from './hostvars.js'
import { moduleContext, pick } from './module-context.js'
import { progressMeter } from './progress.js'
import { registeredValue, type ItemResult, type TaskResult } from './result.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function failedResult(msg: string, started: number, data: Vars = {}): TaskResult {
  return { status: 'failed', msg, data, durationMs: Date.now() - started }
}

/** A TsplayError from templating or a module becomes a failed result that says where. */
export function errorResult(e: unknown, started: number, pos: SourcePos): TaskResult {
  if (e instanceof UnreachableError) return { status: 'unreachable', msg: e.message, data: { reason: e.reason }, durationMs: Date.now() - started }
  if (isTsplayError(e)) {
    const where = formatPos(e.pos ?? pos)
    return failedResult(`${e.message} (${where})${e.hint ? `\n${e.hint}` : ''}`, started)
  }
  throw e
}

function whenWithoutItem(task: Task, vars: Vars): boolean {
  try {
    return evalCondition(task.when, vars)
  } catch {
    return true
  }
}

export interface HostRun {
  result: TaskResult
  delegatedTo?: string
}

/** Run `task` on `host` and return its result; does not touch run state (the caller does). */
export async function runTaskOnHost(pc: PlayContext, task: Task, host: string, scope: Scope, extra: Vars[] = []): Promise<HostRun> {
  const started = Date.now()
  let vars: Vars | undefined
  try {
    vars = varsFor(pc, host, scope, task.vars, task.pos, extra)
    if (task.loop === undefined) {
      if (!evalCondition(task.when, vars)) return { result: { status: 'skipped', msg: 'Conditional result was False', data: {}, durationMs: Date.now() - started } }
      return await runOnce(pc, task, host, scope, vars, started)
    }
    let items: unknown
    try {
      items = loopItems(task, vars)
    } catch (e) {
      // As Ansible does: a loop over something undefined is skipped when `when` is already false
      // without the item (`when: x is defined` guarding `loop: "{{ x }}"`).
      if (e instanceof TemplateError && !whenWithoutItem(task, vars)) return { result: { status: 'skipped', msg: 'Conditional result was False', data: {}, durationMs: Date.now() - started } }
      throw e
    }
    if (!Array.isArray(items)) {
      const hint = isMapping(items) ? '; for a dict, loop over "{{ x | dict2items }}" or use with_dict' : ''
      return { result: failedResult(`loop must be a list, got a ${typeName(items)} (${formatPos(task.keyPos.loop ?? task.pos)})${hint}`, started) }
    }
    return await runLoop(pc, task, host, scope, items, started, extra)
  } catch (e) {
    // ignore_errors covers templating errors (undefined variable, bad expression) too, as in Ansible.
    return { result: ignoring(task, scope, vars, errorResult(e, started, task.pos)) }
  }
}

/** A failed result marked ignored when ignore_errors holds (a broken ignore_errors template does not). */
function ignoring(task: Task, scope: Scope, vars: Vars | undefined, r: TaskResult): TaskResult {
  if (r.status !== 'failed' || r.ignored) return r
  try {
    return isIgnored(task, scope, vars ?? {}) ? { ...r, ignored: true } : r
  } catch {
    return r
  }
}

async function runLoop(pc: PlayContext, task: Task, host: string, scope: Scope, items: unknown[], started: number, extra: Vars[]): Promise<HostRun> {
  const lc = task.loopControl ?? { loopVar: 'item' }
  const results: ItemResult[] = []
  let delegatedTo: string | undefined
  let loopFacts: Vars | undefined
  for (const [i, item] of items.entries()) {
    if (signalFor(pc, scope).aborted) break
    const itemStarted = Date.now()
    let r: TaskResult
    let label = typeof item === 'string' || typeof item === 'number' ? String(item) : JSON.stringify(item)
    let pause = 0
    let registered: Vars = { [lc.loopVar]: item, ansible_loop_var: lc.loopVar }
    let itemVars: Vars | undefined
    try {
      const outer = varsFor(pc, host, scope, task.vars, task.pos, extra, loopFacts)
      const lcPos = task.keyPos.loop_control ?? task.pos
      const loopVars = loopVarsFor(lc, items, i, outer, lcPos)
      registered = loopVars
      pause = lc.pause === undefined ? 0 : Number(renderValue(lc.pause, outer, lcPos))
      const vars = varsFor(pc, host, scope, task.vars, task.pos, [...extra, loopVars], loopFacts)
      itemVars = vars
      if (lc.label !== undefined) label = String(renderValue(lc.label, vars, task.keyPos.loop_control ?? task.pos))
      if (!evalCondition(task.when, vars)) r = { status: 'skipped', msg: 'Conditional result was False', data: {}, durationMs: 0 }
      else {
        const run = await runOnce(pc, task, host, scope, vars, itemStarted)
        r = run.result
        delegatedTo = run.delegatedTo
      }
    } catch (e) {
      r = ignoring(task, scope, itemVars, errorResult(e, itemStarted, task.pos))
    }
    results.push({ ...r, item, label, loopVars: registered })
    const facts = r.data.ansible_facts
    if (isMapping(facts) && (r.status === 'ok' || r.status === 'changed')) loopFacts = { ...loopFacts, ...facts }
    if (r.status === 'unreachable') break
    if (pause > 0 && i < items.length - 1) await sleep(pause * 1000)
  }
  const failed = results.some((r) => r.status === 'failed' && !r.ignored)
  const status = results.some((r) => r.status === 'unreachable')
    ? 'unreachable'
    : failed
      ? 'failed'
      : results.some((r) => r.status === 'changed')
        ? 'changed'
        : results.every((r) => r.status === 'skipped')
          ? 'skipped'
          : 'ok'
  const msg = failed ? 'One or more items failed' : results.length === 0 ? 'No items in the list' : status === 'skipped' ? 'All items skipped' : undefined
  return { result: { status, msg, data: {}, items: results, durationMs: Date.now() - started }, delegatedTo }
}

/** One run of the module; any failure, invalid arguments included, is ignored under ignore_errors. */
async function runOnce(pc: PlayContext, task: Task, host: string, scope: Scope, vars: Vars, started: number): Promise<HostRun> {
  const run = await runModuleOnce(pc, task, host, scope, vars, started)
  return { ...run, result: ignoring(task, scope, vars, run.result) }
}

async function runModuleOnce(pc: PlayContext, task: Task, host: string, scope: Scope, vars: Vars, started: number): Promise<HostRun> {
  const mod = getModule(task.module)
  if (!mod) return { result: failedResult(`module '${task.module}' is not available`, started) }
  const argsAt = task.keyPos[task.module] ?? task.pos
  let args = dropOmitted(renderValue(task.args, vars, argsAt)) as Vars
  if (task.module === 'set_fact') args = factNames(args, vars, argsAt)
  const problem = check(mod.schema, args)
  if (problem) {
    const at = problem.path.length ? ` at '${problem.path.join('.')}'` : ''
    // The line of the arg that is wrong, when it was written as its own key.
    const argKey = problem.path[0] ?? problem.unknownKey
    const pos = (typeof argKey === 'string' ? task.argPos?.[argKey] : undefined) ?? task.keyPos[task.module] ?? task.pos
    return { result: failedResult(`invalid arguments for ${task.module}${at}: ${problem.message} (${formatPos(pos)}); see 'tsplay doc ${task.module}'`, started) }
  }
  const noLog = pick(task, scope, 'noLog') ?? pc.play.noLog ?? false
  const onOutput = pc.opts.verbose >= 2 && !noLog ? (stream: 'stdout' | 'stderr', chunk: string) => pc.emit({ kind: 'output', host, task: task.name ?? task.module, stream, chunk }) : undefined
  // Progress counts are not secrets, so no_log tasks report them too, without the label.
  const taskLabel = task.role ? `${task.role.name} : ${task.name ?? task.module}` : (task.name ?? task.module)
  const progress = progressMeter(({ label, ...counts }) => pc.emit({ kind: 'progress', host, task: taskLabel, ...counts, ...(label !== undefined && !noLog ? { label } : {}) }))
  const { ctx, delegatedTo } = await moduleContext(pc, host, task, scope, vars, onOutput, progress.update)
  const attempts = task.until ? numberKeyword(task, 'retries', vars, 3) + 1 : 1
  const delay = numberKeyword(task, 'delay', vars, 5)
  let result: TaskResult = failedResult('not run', started)
  for (let attempt = 1; attempt <= attempts; attempt++) {
    result = await runModule(mod, structuredClone(args), ctx)
    if (task.module === 'group_by' || task.module === 'add_host') result = applyInventoryChange(pc, host, result)
    result = applyOverrides(task, result, vars)
    if (!task.until || result.status === 'unreachable' || result.status === 'skipped') break
    const withReg = task.register ? { ...vars, [task.register]: registeredValue(result) } : vars
    if (evalCondition(task.until, withReg)) break
    if (attempt === attempts) {
      result = { ...result, status: 'failed', msg: `still failing the 'until' condition after ${attempts} attempts${result.msg ? `: ${result.msg}` : ''}`, data: { ...result.data, attempts } }
      break
    }
    if (signalFor(pc, scope).aborted) break
    await sleep(delay * 1000)
  }
  progress.end()
  return { result: { ...result, durationMs: Date.now() - started }, delegatedTo }
}

/** set_fact's keys are templates too (`"{{ name }}": value`), and must render to variable names. */
function factNames(args: Vars, vars: Vars, pos: SourcePos): Vars {
  if (!Object.keys(args).some((k) => k.includes('{{'))) return args
  const out: Vars = {}
  for (const [k, v] of Object.entries(args)) {
    const name = k.includes('{{') ? renderString(k, vars, pos) : k
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new TemplateError(`the variable name '${name}' is not valid`, { pos, hint: 'Variable names start with a letter or underscore and hold only letters, digits and underscores.' })
    }
    out[name] = v
  }
  return out
}

/** Remove arguments (and list items) whose value is `{{ omit }}`. */
function dropOmitted(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== OMIT).map(dropOmitted)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== OMIT).map(([k, x]) => [k, dropOmitted(x)]))
  return v
}

/** retries/delay: a number, or a template that must render to one. */
function numberKeyword(task: Task, key: 'retries' | 'delay', vars: Vars, fallback: number): number {
  const raw = task[key]
  if (raw === undefined) return fallback
  const n = Number(typeof raw === 'string' ? renderValue(raw, vars, task.keyPos[key] ?? task.pos) : raw)
  if (!Number.isFinite(n) || n < 0) throw new TemplateError(`'${key}' must be a number of at least 0, got '${String(raw)}'`, { pos: task.keyPos[key] ?? task.pos })
  return n
}

function isIgnored(task: Task, scope: Scope, vars: Vars): boolean {
  const v = pick(task, scope, 'ignoreErrors')
  if (typeof v === 'string') return Boolean(renderValue(v, vars, task.keyPos.ignore_errors ?? task.pos))
  return v === true
}

/** changed_when / failed_when see the result under the register name, as in Ansible. */
function applyOverrides(task: Task, r: TaskResult, vars: Vars): TaskResult {
  if (r.status === 'unreachable' || (!task.changedWhen && !task.failedWhen)) return r
  const reg = registeredValue(r)
  const scoped = { ...vars, ...(task.register ? { [task.register]: reg } : {}), result: reg }
  let status = r.status
  let msg = r.msg
  let data = r.data
  // A condition that cannot be evaluated fails the task but keeps its result (stdout...), with the
  // error under changed_when_result/failed_when_result, as Ansible's.
  const cond = (c: Condition[], key: 'changed_when_result' | 'failed_when_result'): boolean | TaskResult => {
    try {
      return evalCondition(c, scoped)
    } catch (e) {
      if (!isTsplayError(e)) throw e
      const failure = errorResult(e, Date.now(), task.pos)
      return { ...r, status: 'failed', msg: failure.msg, data: { ...r.data, [key]: failure.msg } }
    }
  }
  if (task.changedWhen && status !== 'failed' && status !== 'skipped') {
    const changed = cond(task.changedWhen, 'changed_when_result')
    if (typeof changed !== 'boolean') return changed
    status = changed ? 'changed' : 'ok'
  }
  if (task.failedWhen && status !== 'skipped') {
    const failed = cond(task.failedWhen, 'failed_when_result')
    if (typeof failed !== 'boolean') return failed
    data = { ...data, failed_when_result: failed }
    if (failed && status !== 'failed') {
      status = 'failed'
      msg = `failed_when condition was true${msg ? `: ${msg}` : ''}`
    } else if (!failed && status === 'failed') {
      status = task.changedWhen ? (evalCondition(task.changedWhen, scoped) ? 'changed' : 'ok') : r.data.rc !== undefined ? 'changed' : 'ok'
    }
  }
  return { ...r, status, msg, data }
}
