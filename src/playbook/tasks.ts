// A list of tasks → TaskNode[]: blocks, static imports (import_tasks, import_role, include_role)
// spliced in at load, everything else through task.ts.
import { dirname, resolve } from 'node:path'
import { ParseError, type SourcePos } from '../errors.js'
import { canonicalName, EXECUTOR_ACTIONS, getModule } from '../modules/index.js'
import { didYouMean } from '../util/suggest.js'
import { readSource, type SourceFile } from '../yaml/source.js'
import { errorAt, errorAtKey, isMapping, valuePos, type Path } from './at.js'
import { findActionKey, resolveAction } from './action.js'
import { checkSchema } from './check-node.js'
import { cycleMessage, type LoadCtx, type RoleRef } from './context.js'
import { applyKeywords, applyVars, applyWhenTags, checkKeywordValues, keywordsOf } from './inherit.js'
import { BLOCK_KEYWORDS, BLOCK_SCHEMA, BOOL_KEYWORDS, TASK_KEYWORDS, TASK_SCHEMA, WITH_LOOKUPS } from './keywords.js'
import { collecting, tolerate } from './problems.js'
import { coerceBools, toConditions, toTags } from './normalize.js'
import { commonFields, parseTask } from './task.js'
import type { Block, Task, TaskNode } from './types.js'

/** Read a tasks file (a YAML list; an empty file is no tasks) in the given context. */
export function loadTaskFileWith(file: string, from: SourcePos | undefined, ctx: Omit<LoadCtx, 'src' | 'dir'>, dir: string): TaskNode[] {
  if (ctx.chain.includes(file)) throw new ParseError(cycleMessage('import', ctx.chain, file), { pos: from, hint: 'A tasks file imports itself through this chain; break the loop.' })
  const src = readSource(file, from, 'tasks file')
  return parseTaskList(src, [], src.value, { ...ctx, src, dir, chain: [...ctx.chain, file] })
}

export function parseTaskList(src: SourceFile, path: Path, value: unknown, ctx: LoadCtx): TaskNode[] {
  if (value === null || value === undefined) return []
  if (!Array.isArray(value)) throw errorAt(src, path, 'expected a list of tasks', 'Start each task with "- name: ..." (a YAML list item).')
  const out: TaskNode[] = []
  // A refused task is recorded and left out, so one load names every refusal (problems.ts).
  value.forEach((item, i) => out.push(...tolerate(() => parseNode(src, [...path, i], item, ctx), [])))
  return out
}

/** `action: copy src=a dest=b` / `local_action: {module: copy, ...}` → the module as the key. */
function desugarAction(src: SourceFile, path: Path, item: Record<string, unknown>): Record<string, unknown> {
  const key = ['action', 'local_action'].find((k) => k in item)
  if (!key) return item
  const raw = item[key]
  const { [key]: _, ...rest } = item
  let module: string
  let args: unknown
  if (typeof raw === 'string') {
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(raw)
    if (!m) throw errorAt(src, [...path, key], `'${key}' needs a module name`, `Write ${key}: module arg=value ...`)
    module = m[1]!
    args = m[2] === '' ? null : m[2]
  } else if (isMapping(raw) && typeof raw.module === 'string') {
    const { module: mod, ...margs } = raw
    module = mod as string
    args = margs
  } else throw errorAt(src, [...path, key], `'${key}' needs a module name`, `Write ${key}: module arg=value ..., or ${key}: {module: name, arg: value}.`)
  const out: Record<string, unknown> = { ...rest, [module]: args }
  if (key === 'local_action') {
    out.delegate_to ??= 'localhost'
    out.connection ??= 'local'
  }
  return out
}

function parseNode(src: SourceFile, path: Path, raw: unknown, ctx: LoadCtx): TaskNode[] {
  if (!isMapping(raw)) throw errorAt(src, path, 'a task must be a mapping', 'Write the task as "- name: ...\n  module: args".')
  if ('block' in raw) return [parseBlock(src, path, raw, ctx)]
  const item = desugarAction(src, path, raw)
  for (const k of ['rescue', 'always']) if (k in item) throw errorAtKey(src, path, k, `'${k}' needs a 'block' in the same task`, 'Put the tasks to protect under block:.')
  const key = findActionKey(src, path, Object.keys(item), TASK_KEYWORDS)
  const action = resolveAction(src, path, item, key)
  if (action.module === 'import_tasks') return importTasks(src, path, item, action.args.file as string, ctx)
  if (action.module === 'include_role' && isDynamicRole(item, action.args)) return [dynamicRole(src, path, item, action, ctx)]
  if (action.module === 'import_role' || action.module === 'include_role') return [importRole(src, path, item, action.args, ctx)]
  return [parseTask(src, path, item, action, ctx)]
}

function parseBlock(src: SourceFile, path: Path, item: Record<string, unknown>, ctx: LoadCtx): Block {
  for (const key of Object.keys(item)) {
    if (BLOCK_KEYWORDS.includes(key)) continue
    const name = canonicalName(key)
    if (getModule(name) || (EXECUTOR_ACTIONS as readonly string[]).includes(name)) {
      throw errorAtKey(src, path, key, `a block cannot have a module key ('${key}')`, 'Move the module into its own task inside block:.')
    }
    if (TASK_KEYWORDS.includes(key)) throw errorAtKey(src, path, key, `'${key}' cannot be used on a block`, 'Put it on the tasks inside the block.')
    throw errorAtKey(src, path, key, `unknown block keyword '${key}'.${didYouMean(key, BLOCK_KEYWORDS)}`, `Block keywords are: ${BLOCK_KEYWORDS.join(', ')}.`)
  }
  coerceBools(item, BOOL_KEYWORDS)
  checkKeywordValues(src, path, item)
  checkSchema(src, path, BLOCK_SCHEMA, item, 'block')
  const common = commonFields(src, path, item, ctx)
  // The block's own `when` stays on the block (the executor checks it); inherited ones and
  // the block's tags go down to every child.
  const inner: LoadCtx = { ...ctx, tags: common.tags }
  return {
    kind: 'block',
    ...common,
    block: parseTaskList(src, [...path, 'block'], item.block, inner),
    rescue: parseTaskList(src, [...path, 'rescue'], item.rescue, inner),
    always: parseTaskList(src, [...path, 'always'], item.always, inner),
  }
}

/** The keywords of an import (checked like a task's) folded into what it imports. */
function importKeywords(src: SourceFile, path: Path, item: Record<string, unknown>, what: string): void {
  coerceBools(item, BOOL_KEYWORDS)
  checkSchema(src, path, TASK_SCHEMA, item, what)
  for (const k of ['loop', ...Object.keys(WITH_LOOKUPS), 'register', 'notify', 'until']) {
    if (item[k] !== undefined) {
      throw errorAtKey(src, path, k, `'${k}' cannot be used on a static ${what}`, 'Use include_tasks for a loop, or put the keyword on the imported tasks.')
    }
  }
}

function importTasks(src: SourceFile, path: Path, item: Record<string, unknown>, rel: string, ctx: LoadCtx): TaskNode[] {
  importKeywords(src, path, item, 'import_tasks')
  const key = Object.keys(item).find((k) => canonicalName(k) === 'import_tasks')!
  const file = resolve(ctx.dir, rel)
  // Relative imports start from the importing file's folder; inside a role, from its tasks/.
  const nodes = loadTaskFileWith(file, valuePos(src, path, key), { ...ctx, when: [], tags: [] }, ctx.role ? ctx.dir : dirname(file))
  applyWhenTags(nodes, [...ctx.when, ...toConditions(src, path, 'when', item.when)], [...ctx.tags, ...toTags(item.tags)])
  applyKeywords(nodes, keywordsOf(item))
  applyVars(nodes, (item.vars as Record<string, unknown> | undefined) ?? {})
  return nodes
}

const ROLE_FILE_ARGS = ['name', 'tasks_from', 'handlers_from', 'vars_from', 'defaults_from']

/** include_role with a loop, or whose role or files are templates, runs as a task (Ansible's include). */
function isDynamicRole(item: Record<string, unknown>, args: Record<string, unknown>): boolean {
  return ['loop', ...Object.keys(WITH_LOOKUPS)].some((k) => item[k] !== undefined) || ROLE_FILE_ARGS.some((k) => typeof args[k] === 'string' && (args[k] as string).includes('{{'))
}

/**
 * A dynamic include_role: a task the executor runs per host and loop item, loading the role named
 * by its rendered args then. A role named without templates is loaded (and checked) now, once.
 */
function dynamicRole(src: SourceFile, path: Path, item: Record<string, unknown>, action: ReturnType<typeof resolveAction>, ctx: LoadCtx): Task {
  const task = parseTask(src, path, item, action, ctx)
  const load = (args: Record<string, unknown>): { block: Block; handlers: Task[] } => {
    const perRole = roleBlocks(src, path, item, args, ctx)
    // Keywords (become, ignore_errors...) reach the role's tasks; when and tags stay on the include.
    const block = withKeywords({ kind: 'block', pos: task.pos, keyPos: {}, when: [], tags: [], vars: {}, block: perRole, rescue: [], always: [] }, item, args)
    return { block, handlers: perRole.flatMap((b) => b.role?.handlers ?? []) }
  }
  const fixed = ROLE_FILE_ARGS.every((k) => !(typeof action.args[k] === 'string' && (action.args[k] as string).includes('{{')))
  const once = fixed ? load(action.args) : undefined
  if (once) ctx.handlers.push(...once.handlers)
  task.includeRole = once ? () => once : (args) => collecting(() => load(args))
  return task
}

/** import_role/include_role → a block of the role's tasks (both are loaded statically). */
function importRole(src: SourceFile, path: Path, item: Record<string, unknown>, args: Record<string, unknown>, ctx: LoadCtx): Block {
  importKeywords(src, path, item, 'import_role')
  const common = commonFields(src, path, item, ctx)
  const block: Block = { kind: 'block', ...common, block: roleBlocks(src, path, item, args, ctx), rescue: [], always: [] }
  for (const r of block.block) if (r.kind === 'block' && r.role) ctx.handlers.push(...r.role.handlers)
  // Children get the import's when/tags like import_tasks; the block keeps them as well.
  applyWhenTags(block.block, common.when, common.tags)
  return withKeywords(block, item, args)
}

/** The import's keywords for the block; include_role's `apply:` ones for every task of the role. */
function withKeywords(block: Block, item: Record<string, unknown>, args: Record<string, unknown>): Block {
  applyKeywords([block], keywordsOf(item))
  if (isMapping(args.apply)) {
    applyWhenTags(block.block, [], toTags(args.apply.tags))
    applyKeywords(block.block, keywordsOf(args.apply))
  }
  return block
}

/** One block per role loaded (dependencies first), so the executor's scope has each role's vars. */
function roleBlocks(src: SourceFile, path: Path, item: Record<string, unknown>, args: Record<string, unknown>, ctx: LoadCtx): Block[] {
  const key = Object.keys(item).find((k) => ['import_role', 'include_role'].includes(canonicalName(k)))!
  const ref: RoleRef = {
    name: String(args.name),
    params: {},
    when: [],
    tags: [],
    keywords: {},
    from: {
      tasks: args.tasks_from as string | undefined,
      handlers: args.handlers_from as string | undefined,
      vars: args.vars_from as string | undefined,
      defaults: args.defaults_from as string | undefined,
    },
    src,
    path: [...path, key],
  }
  const roles = ctx.roles.load(ref, { ...ctx, when: [], tags: [] }, false)
  return roles.map((r) => ({ kind: 'block', pos: r.pos, keyPos: r.keyPos, when: [], tags: [], vars: {}, role: r, block: r.tasks, rescue: [], always: [] }))
}
