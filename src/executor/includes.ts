// Dynamic includes, loaded at run time per host and loop item: include_tasks (hosts including the
// same file run it together) and a looped or templated include_role (the role named by the
// rendered args, with the item's vars). `walk` is passed in so this file does not import walk.ts.
import { basename, dirname, isAbsolute, join } from 'node:path'
import { TemplateError, TsplayError } from '../errors.js'
import { loadTasksFile } from '../playbook/load.js'
import { applyKeywords, applyWhenTags, keywordsOf } from '../playbook/inherit.js'
import { toTags } from '../playbook/normalize.js'
import type { Task, TaskNode, Vars } from '../playbook/types.js'
import { evalCondition } from '../template/expressions.js'
import { renderValue } from '../template/render.js'
import { typeName } from '../template/values.js'
import type { PlayContext, Scope } from './context.js'
import { varsFor } from './hostvars.js'
import { loopItems, loopVarsFor } from './loop-vars.js'
import { recordResult } from './record.js'
import { errorResult } from './task.js'

type Walk = (pc: PlayContext, nodes: readonly TaskNode[], hosts: readonly string[], scope: Scope, extra?: Vars[]) => Promise<void>

interface Iteration {
  host: string
  /** The vars the include sees for this item. */
  vars: Vars
  /** The layers the included tasks get: the include's vars, then the item's loop vars. */
  extra: Vars[]
  looped: boolean
}

/** A host fails at the include (bad file name, undefined variable, missing file), not the run. */
function failHost(pc: PlayContext, task: Task, h: string, e: unknown): void {
  const result = errorResult(e, Date.now(), task.pos)
  recordResult(pc, task, h, result)
  pc.emit({ kind: 'task-result', host: h, task: task.name ?? task.module, pos: task.pos, result })
}

/** Each host's runs of an include: one per loop item whose `when` holds (one when not looped). */
function iterations(pc: PlayContext, task: Task, hosts: string[], scope: Scope, extra: Vars[], fn: (it: Iteration) => void): void {
  for (const h of hosts) {
    try {
      const vars = varsFor(pc, h, scope, task.vars, task.pos, extra)
      const looped = task.loop !== undefined
      const items = looped ? loopItems(task, vars) : [undefined]
      if (!Array.isArray(items)) throw new TemplateError(`loop must be a list, got a ${typeName(items)}`, { pos: task.keyPos.loop ?? task.pos })
      const lc = task.loopControl ?? { loopVar: 'item' }
      for (const [i] of items.entries()) {
        // The same loop variables as a looped task: item (or loop_var), index_var, ansible_loop.
        const itemVars: Vars[] = looped ? [loopVarsFor(lc, items, i, vars, task.keyPos.loop_control ?? task.pos)] : []
        const v = itemVars.length ? varsFor(pc, h, scope, task.vars, task.pos, [...extra, ...itemVars]) : vars
        if (!evalCondition(task.when, v)) continue
        fn({ host: h, vars: v, extra: [...extra, task.vars, ...itemVars], looped })
      }
    } catch (e) {
      failHost(pc, task, h, e)
    }
  }
}

/** include_tasks: loaded at run time per host; hosts including the same file run it together. */
export async function runInclude(pc: PlayContext, task: Task, hosts: string[], scope: Scope, extra: Vars[], walk: Walk): Promise<void> {
  const groups = new Map<string, { hosts: string[]; extra: Vars[] }>()
  const perHost: Array<{ host: string; file: string; extra: Vars[] }> = []
  iterations(pc, task, hosts, scope, extra, (it) => {
    const rel = String(renderValue(task.args.file ?? task.args._raw_params ?? task.args._, it.vars, task.pos))
    const base = scope.role ? join(scope.role.dir, 'tasks') : dirname(task.pos.file)
    const file = isAbsolute(rel) ? rel : join(base, rel)
    if (it.looped) return void perHost.push({ host: it.host, file, extra: it.extra })
    const g = groups.get(file) ?? { hosts: [], extra: it.extra }
    g.hosts.push(it.host)
    groups.set(file, g)
  })
  const stack = includeStack.get(pc) ?? []
  includeStack.set(pc, stack)
  const run = async (file: string, on: string[], ex: Vars[]): Promise<void> => {
    let nodes: TaskNode[]
    try {
      // Including itself is allowed (with a `when:` that ends it); endless nesting is not.
      if (stack.length >= MAX_INCLUDE_DEPTH) {
        const chain = [...stack.slice(-3), file].map((f) => basename(f)).join(' → ')
        throw new TsplayError(`include_tasks nested more than ${MAX_INCLUDE_DEPTH} deep (… ${chain})`, { pos: task.pos, hint: 'A tasks file includes itself without end: give the include a when: that becomes false.' })
      }
      nodes = loadTasksFile(file, { role: scope.role, when: [], tags: task.tags, from: task.pos })
      // `apply:` gives its keywords (tags, become, ...) to every included task, as in Ansible.
      const apply = task.args.apply
      if (apply && typeof apply === 'object' && !Array.isArray(apply)) {
        applyWhenTags(nodes, [], toTags((apply as Vars).tags))
        applyKeywords(nodes, keywordsOf(apply as Vars))
      }
    } catch (e) {
      for (const h of on) failHost(pc, task, h, e)
      return
    }
    stack.push(file)
    try {
      await walk(pc, nodes, on, scope, ex)
    } finally {
      stack.pop()
    }
  }
  for (const [file, g] of groups) await run(file, g.hosts, g.extra)
  for (const p of perHost) await run(p.file, [p.host], p.extra)
}

/** A looped or templated include_role: per host and item, the role its rendered args name. */
export async function runIncludeRole(pc: PlayContext, task: Task, hosts: string[], scope: Scope, extra: Vars[], walk: Walk): Promise<void> {
  const runs: Array<{ hosts: string[]; args: Vars; extra: Vars[] }> = []
  const byArgs = new Map<string, (typeof runs)[number]>()
  iterations(pc, task, hosts, scope, extra, (it) => {
    const args = renderValue(task.args, it.vars, task.keyPos[task.module] ?? task.pos) as Vars
    // Hosts including the same role the same way (no loop) run it together, as include_tasks.
    const key = JSON.stringify(args)
    const same = it.looped ? undefined : byArgs.get(key)
    if (same) return void same.hosts.push(it.host)
    const run = { hosts: [it.host], args, extra: it.extra }
    runs.push(run)
    if (!it.looped) byArgs.set(key, run)
  })
  for (const run of runs) {
    let loaded: ReturnType<NonNullable<Task['includeRole']>>
    try {
      loaded = task.includeRole!(run.args)
    } catch (e) {
      for (const h of run.hosts) failHost(pc, task, h, e)
      continue
    }
    // The role's handlers join the play's, once, so its tasks can notify them.
    for (const hd of loaded.handlers) if (!pc.play.handlers.includes(hd)) pc.play.handlers.push(hd)
    await walk(pc, [loaded.block], run.hosts, scope, run.extra)
  }
}

const MAX_INCLUDE_DEPTH = 64
/** The include_tasks files being walked, per play run, innermost last. */
const includeStack = new WeakMap<PlayContext, string[]>()
