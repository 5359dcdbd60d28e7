// One play: pick hosts, split them into serial batches, and for each batch gather facts, then
// pre_tasks, roles + tasks, post_tasks, each section followed by a handler flush.
import type { Emit } from '../events.js'
import { formatPos } from '../errors.js'
import { applyLimit, selectHosts } from '../inventory/patterns.js'
import type { Inventory } from '../inventory/types.js'
import type { Play, Role, Task } from '../playbook/types.js'
import { check } from '../schema/validate.js'
import { renderValue } from '../template/render.js'
import { mapLimit } from '../util/limit.js'
import { rootScope, type PlayContext, type RunOptions } from './context.js'
import { flushHandlers } from './handlers.js'
import { varsFor } from './hostvars.js'
import type { ConnectionPool } from './pool.js'
import { recordResult } from './record.js'
import type { RunState } from './state.js'
import { walk } from './walk.js'
import { runOnHosts } from './on-hosts.js'

export interface PlayEnv {
  inventory: Inventory
  state: RunState
  pool: ConnectionPool
  opts: RunOptions
  emit: Emit
  signal: AbortSignal
  hardSignal: AbortSignal
  limit?: string
  started: { value: boolean }
  runStop: { value: boolean }
}

export function playHosts(play: Play, env: Pick<PlayEnv, 'inventory' | 'opts' | 'emit' | 'limit'>): string[] {
  const pattern = String(renderValue(play.hosts, { ...env.opts.extraVars }, play.keyPos.hosts ?? play.pos))
  const sel = selectHosts(env.inventory, pattern, play.keyPos.hosts ?? play.pos)
  for (const u of sel.unmatched) env.emit({ kind: 'warning', message: `Could not match supplied host pattern, ignoring: ${u}`, pos: play.keyPos.hosts ?? play.pos })
  return applyLimit(env.inventory, sel.hosts, env.limit)
}

/** serial: 2, '30%', or a list of successive sizes (the last repeats). */
export function batches(hosts: string[], serial: Play['serial']): string[][] {
  if (!serial || serial.length === 0) return [hosts]
  const sizes = serial.map((s) => {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(String(s))
    const n = m ? Math.floor((hosts.length * Number(m[1])) / 100) : Number(s)
    return Math.max(1, n || hosts.length)
  })
  const out: string[][] = []
  let i = 0
  let k = 0
  while (i < hosts.length) {
    const size = sizes[Math.min(k++, sizes.length - 1)]!
    out.push(hosts.slice(i, i + size))
    i += size
  }
  return out
}

export async function runPlay(play: Play, env: PlayEnv): Promise<void> {
  const hosts = playHosts(play, env)
  env.emit({ kind: 'play-start', name: play.name, hosts, pos: play.pos })
  if (hosts.length === 0) return
  for (const batch of batches(hosts, play.serial)) {
    const pc: PlayContext = { ...env, play, batch, playHosts: hosts, stop: { play: false } }
    await runBatch(pc)
    if (env.runStop.value || env.signal.aborted) return
  }
}

async function runBatch(pc: PlayContext): Promise<void> {
  const { play } = pc
  if (play.gatherFacts) await gatherFacts(pc)
  const scope = rootScope()
  await walk(pc, play.preTasks, pc.batch, scope)
  await flushHandlers(pc, pc.batch)
  for (const role of play.roles) {
    await checkRoleArguments(pc, role)
    await walk(pc, role.tasks, pc.batch, { ...scope, role })
  }
  await walk(pc, play.tasks, pc.batch, scope)
  await flushHandlers(pc, pc.batch)
  await walk(pc, play.postTasks, pc.batch, scope)
  await flushHandlers(pc, pc.batch)
}

function implicitTask(play: Play, name: string, module: string, args: Record<string, unknown>, role?: Role): Task {
  return { kind: 'task', name, module, args, pos: play.pos, keyPos: {}, when: [], tags: ['always'], vars: {}, notify: [], listen: [], role }
}

async function gatherFacts(pc: PlayContext): Promise<void> {
  const hosts = pc.batch.filter((h) => pc.state.active(h))
  if (hosts.length === 0) return
  // Facts are read even in --check: they only read, and later tasks depend on them.
  const task = { ...implicitTask(pc.play, 'Gathering Facts', 'setup', {}), checkMode: false }
  await runOnHosts(pc, task, hosts, rootScope())
}

/** meta/argument_specs.yml: the role's effective arguments are checked before it runs. */
async function checkRoleArguments(pc: PlayContext, role: Role): Promise<void> {
  const spec = role.argumentSpec
  if (!spec) return
  const task = implicitTask(pc.play, `Validating arguments against arg spec 'main'`, 'assert', {}, role)
  task.pos = spec.pos
  const hosts = pc.batch.filter((h) => pc.state.active(h))
  pc.emit({ kind: 'task-start', name: `${role.name} : validate arguments`, pos: spec.pos, hosts, handler: false, role: role.name })
  await mapLimit(hosts, pc.opts.forks, async (h) => {
    const started = Date.now()
    let result
    try {
      const vars = varsFor(pc, h, { ...rootScope(), role }, {}, role.pos)
      const props = Object.keys((spec.schema as { properties?: object }).properties ?? {})
      const values: Record<string, unknown> = {}
      for (const p of props) if (p in vars) values[p] = vars[p]
      const problem = check(spec.schema, values)
      result = problem
        ? { status: 'failed' as const, msg: `role '${role.name}': argument ${problem.path.length ? `'${problem.path.join('.')}' ` : ''}${problem.message.replace(/^'[^']*' /, '')} (spec: ${formatPos(spec.pos)}, role used at ${formatPos(role.pos)})`, data: {}, durationMs: Date.now() - started }
        : { status: 'ok' as const, msg: 'The arg spec validation passed', data: {}, durationMs: Date.now() - started }
    } catch (e) {
      result = { status: 'failed' as const, msg: `role '${role.name}': ${(e as Error).message}`, data: {}, durationMs: Date.now() - started }
    }
    recordResult(pc, task, h, result)
    pc.emit({ kind: 'task-result', host: h, task: `${role.name} : validate arguments`, pos: spec.pos, result })
  })
}
