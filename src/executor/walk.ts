// Walks a task list for a set of hosts, linear style: each task runs on every active host
// (bounded by forks) before the next. Blocks send their failed hosts to rescue, then always.
import type { Block, Task, TaskNode, Vars } from '../playbook/types.js'
import { evalCondition } from '../template/expressions.js'
import { enterBlock, halted, type PlayContext, type Scope } from './context.js'
import { flushHandlers } from './handlers.js'
import { varsFor } from './hostvars.js'
import { recordResult } from './record.js'
import { tagsAllow } from './tags.js'
import { errorResult } from './task.js'
import { runOnHosts } from './on-hosts.js'
import { runInclude, runIncludeRole } from './includes.js'
import { checkRoleArguments } from './role-args.js'

export async function walk(pc: PlayContext, nodes: readonly TaskNode[], hosts: readonly string[], scope: Scope, extra: Vars[] = []): Promise<void> {
  for (const node of nodes) {
    if (halted(pc, scope)) return
    const active = hosts.filter((h) => pc.state.active(h))
    if (active.length === 0) return
    if (node.kind === 'block') await runBlock(pc, node, active, scope, extra)
    else await runTaskNode(pc, node, active, scope, extra)
  }
}

async function runTaskNode(pc: PlayContext, task: Task, hosts: string[], scope: Scope, extra: Vars[]): Promise<void> {
  if (!tagsAllow(task.tags, pc.opts.tags)) return
  if (!pc.started.value) {
    if (task.name !== pc.opts.startAtTask) return
    pc.started.value = true
  }
  if (task.module === 'meta') return runMeta(pc, task, hosts, scope, extra)
  if (task.module === 'include_tasks') return runInclude(pc, task, hosts, scope, extra, walk)
  if (task.module === 'include_role' && task.includeRole) return runIncludeRole(pc, task, hosts, scope, extra, walk)
  await runOnHosts(pc, task, hosts, scope, extra)
}

function selectsAny(pc: PlayContext, b: Block): boolean {
  return [...b.block, ...b.rescue, ...b.always].some((n) => (n.kind === 'block' ? selectsAny(pc, n) : tagsAllow(n.tags, pc.opts.tags)))
}

async function runBlock(pc: PlayContext, block: Block, hosts: string[], scope: Scope, extra: Vars[]): Promise<void> {
  // A block none of whose tasks the tags select is not entered: its `when` is not even read.
  if (!selectsAny(pc, block)) return
  const inner = enterBlock(scope, block)
  let inHosts: string[] = []
  for (const h of hosts) {
    try {
      if (evalCondition(block.when, varsFor(pc, h, scope, block.vars, block.pos, extra))) inHosts.push(h)
    } catch (e) {
      // A bad `when` on a block fails the host there, pointing at the block.
      const pseudo = { ...block, kind: 'task', module: 'block', args: {}, notify: [], listen: [] } as unknown as Task
      const result = errorResult(e, Date.now(), block.pos)
      recordResult(pc, pseudo, h, result)
      pc.emit({ kind: 'task-result', host: h, task: block.name ?? 'block', pos: block.pos, result })
    }
  }
  if (inHosts.length === 0) return
  // import_role/include_role: the role's argument spec is checked where it is imported.
  if (block.role && block.role !== scope.role && block.role.argumentSpec) {
    await checkRoleArguments(pc, block.role, inHosts, inner)
    inHosts = inHosts.filter((h) => pc.state.active(h))
    if (inHosts.length === 0) return
  }
  await walk(pc, block.block, inHosts, inner, extra)
  let after = inner
  if (halted(pc, inner) && !inner.cleanup && !pc.stop.play && (block.rescue.length > 0 || block.always.length > 0)) {
    // The run is stopping inside this block: hosts still in it fail here, and rescue/always
    // run as cleanup (a migration's rollback), killed only by a second interrupt.
    after = { ...inner, cleanup: true }
    const pseudo = { ...block, kind: 'task', module: 'block', args: {}, notify: [], listen: [] } as unknown as Task
    for (const h of inHosts.filter((x) => pc.state.active(x))) {
      const result = { status: 'failed' as const, msg: 'interrupted: the run is stopping; running rescue/always', data: {}, durationMs: 0 }
      recordResult(pc, pseudo, h, result)
      pc.emit({ kind: 'task-result', host: h, task: block.name ?? 'block', pos: block.pos, result })
    }
  }
  const failed = inHosts.filter((h) => pc.state.hosts.get(h)?.failed)
  // Hosts lost inside the block still get rescue/always (unlike Ansible): a rollback delegated to
  // another host must run when the host it protects vanished. They stay unreachable afterwards.
  const lost = inHosts.filter((h) => pc.state.hosts.get(h)?.unreachable)
  const setLost = (v: boolean) => lost.forEach((h) => (pc.state.host(h).unreachable = v))
  const cleanupHosts = [...failed, ...lost]
  let stillFailed = failed
  if (block.rescue.length > 0 && cleanupHosts.length > 0) {
    for (const h of failed) pc.state.host(h).failed = false
    // A rescued host's earlier failure no longer counts against it, as in Ansible's recap.
    for (const h of failed) pc.state.host(h).stats.failed--
    setLost(false)
    // Tasks that touch a lost host fail fast; they must not stop the rest of its rescue.
    const rescueScope = lost.length ? { ...after, inherit: { ...after.inherit, ignoreUnreachable: true } } : after
    await walk(pc, block.rescue, cleanupHosts, { ...rescueScope, section: 'rescue' }, extra)
    setLost(true)
    for (const h of failed) if (!pc.state.host(h).failed && !pc.state.host(h).unreachable) pc.state.host(h).stats.rescued++
    stillFailed = failed.filter((h) => pc.state.host(h).failed)
  }
  if (block.always.length > 0) {
    const alwaysHosts = inHosts.filter((h) => (lost.includes(h) || !pc.state.host(h).unreachable) && !pc.state.host(h).ended)
    for (const h of stillFailed) pc.state.host(h).failed = false
    setLost(false)
    await walk(pc, block.always, alwaysHosts, { ...(lost.length ? { ...after, inherit: { ...after.inherit, ignoreUnreachable: true } } : after), section: 'always' }, extra)
    setLost(true)
    for (const h of stillFailed) pc.state.host(h).failed = true
  }
}

async function runMeta(pc: PlayContext, task: Task, hosts: string[], scope: Scope, extra: Vars[]): Promise<void> {
  const action = String(task.args._ ?? task.args.free_form ?? '')
  const chosen = hosts.filter((h) => task.when.length === 0 || evalCondition(task.when, varsFor(pc, h, scope, task.vars, task.pos, extra)))
  switch (action) {
    case 'flush_handlers':
      return flushHandlers(pc, hosts)
    case 'end_play':
      if (chosen.length) pc.stop.play = true
      return
    case 'end_host':
      for (const h of chosen) pc.state.host(h).ended = true
      return
    case 'clear_facts':
      for (const h of chosen) pc.state.host(h).facts = {}
      return
    default:
      return
  }
}
