// One play: pick hosts, split them into serial batches, and for each batch gather facts, then
// pre_tasks, roles + tasks, post_tasks, each section followed by a handler flush.
import { TemplateError } from '../errors.js'
import type { Emit } from '../events.js'
import { applyLimit, selectHosts } from '../inventory/patterns.js'
import type { Inventory } from '../inventory/types.js'
import type { Play, Task } from '../playbook/types.js'
import { renderValue } from '../template/render.js'
import { rootScope, type PlayContext, type RunOptions } from './context.js'
import { flushHandlers } from './handlers.js'
import type { ConnectionPool } from './pool.js'
import type { RunState } from './state.js'
import { walk } from './walk.js'
import { mapLimit } from '../util/limit.js'
import { checkRoleArguments } from './role-args.js'
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

/** Before any host is chosen only host-independent vars exist: the `all` group's, the play's, extra vars. */
function playLevelVars(play: Play, env: Pick<PlayEnv, 'inventory' | 'opts'>): Record<string, unknown> {
  return { ...env.inventory.groups.get('all')?.vars, ...play.vars, ...Object.assign({}, ...play.varsFiles.map((f) => f.vars)), ...env.opts.extraVars }
}

export function playHosts(play: Play, env: Pick<PlayEnv, 'inventory' | 'opts' | 'emit' | 'limit'>): string[] {
  const known = playLevelVars(play, env)
  const pattern = String(renderValue(play.hosts, known, play.keyPos.hosts ?? play.pos))
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
  // meta: end_host ends a host for the play it is in, not for the plays after it.
  for (const h of hosts) env.state.host(h).ended = false
  // strategy and serial may be templates of play-level vars, as in Ansible.
  const templated = play.strategy.includes('{{') || play.serial?.some((s) => String(s).includes('{{'))
  const known = templated ? playLevelVars(play, env) : {}
  const strategy = play.strategy.includes('{{') ? String(renderValue(play.strategy, known, play.keyPos.strategy ?? play.pos)) : play.strategy
  if (strategy !== 'linear' && strategy !== 'free') {
    throw new TemplateError(`strategy '${strategy}' is not supported`, { pos: play.keyPos.strategy ?? play.pos, hint: 'Use linear or free.' })
  }
  const serial = play.serial?.flatMap((s) => {
    const v = typeof s === 'string' && s.includes('{{') ? renderValue(s, known, play.keyPos.serial ?? play.pos) : s
    return (Array.isArray(v) ? v : [v]) as Array<number | string>
  })
  const run = { ...play, strategy }
  for (const batch of batches(hosts, serial)) {
    const pc: PlayContext = { ...env, play: run, batch, playHosts: hosts, stop: { play: false } }
    await runBatch(pc)
    if (env.runStop.value || env.signal.aborted) return
  }
}

async function runBatch(pc: PlayContext): Promise<void> {
  if (pc.play.gatherFacts) await gatherFacts(pc)
  if (pc.play.strategy === 'free') {
    // free: each host goes through the play at its own pace, forks hosts at a time.
    await mapLimit(pc.batch, pc.opts.forks, (h) => runSections(pc, [h]))
  } else await runSections(pc, pc.batch)
}

/** pre_tasks, roles + tasks, post_tasks, each followed by a handler flush, for these hosts. */
async function runSections(pc: PlayContext, hosts: string[]): Promise<void> {
  const { play } = pc
  const scope = rootScope()
  await walk(pc, play.preTasks, hosts, scope)
  await flushHandlers(pc, hosts)
  for (const role of play.roles) {
    await checkRoleArguments(pc, role, hosts.filter((h) => pc.state.active(h)), { ...scope, role })
    await walk(pc, role.tasks, hosts, { ...scope, role })
  }
  await walk(pc, play.tasks, hosts, scope)
  await flushHandlers(pc, hosts)
  await walk(pc, play.postTasks, hosts, scope)
  await flushHandlers(pc, hosts)
}


async function gatherFacts(pc: PlayContext): Promise<void> {
  const hosts = pc.batch.filter((h) => pc.state.active(h))
  if (hosts.length === 0) return
  // Facts are read even in --check: they only read, and later tasks depend on them.
  const task: Task = { kind: 'task', name: 'Gathering Facts', module: 'setup', args: {}, pos: pc.play.pos, keyPos: {}, when: [], tags: ['always'], vars: {}, notify: [], listen: [], checkMode: false }
  await runOnHosts(pc, task, hosts, rootScope())
}

