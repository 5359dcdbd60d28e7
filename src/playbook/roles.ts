// Loading a role folder: defaults, vars, argument spec, dependencies (each once per play),
// tasks and handlers, with the reference's when/tags/keywords folded into its tasks.
import { dirname, join } from 'node:path'
import { ParseError } from '../errors.js'
import { didYouMean } from '../util/suggest.js'
import { posAt, readSource } from '../yaml/source.js'
import { errorAt, isMapping, located } from './at.js'
import { loadArgumentSpec } from './argspec.js'
import { cycleMessage, type LoadCtx, type RoleLoader, type RoleRef } from './context.js'
import { applyKeywords, applyWhenTags } from './inherit.js'
import { findRoleDir, roleFile, roleNames } from './role-files.js'
import { parseRoleRef } from './role-ref.js'
import { loadTaskFileWith, parseTaskList } from './tasks.js'
import type { Role, Task, Vars } from './types.js'
import { loadVarsFile } from './vars-file.js'

export function createRoleLoader(searchDirs: string[]): RoleLoader {
  const loader: RoleLoader = { load: (ref, ctx, once) => loadRole(ref, ctx, once, searchDirs, loader) }
  return loader
}

function loadRole(ref: RoleRef, ctx: LoadCtx, once: boolean, searchDirs: string[], loader: RoleLoader): Role[] {
  const refPos = posAt(ref.src, ref.path)
  const dir = findRoleDir(ref.name, searchDirs, dirname(ref.src.file))
  if (!dir) {
    throw new ParseError(`role '${ref.name}' not found.${didYouMean(ref.name, roleNames(searchDirs))}`, {
      pos: refPos,
      hint: `Searched: ${searchDirs.join(', ')}. Set TSPLAY_ROLES_PATH to add folders.`,
    })
  }
  // A role may import its own other tasks files (tasks_from); only the same file again is a cycle.
  const label = `role ${ref.name}${ref.from.tasks ? ` (tasks_from ${ref.from.tasks})` : ''}`
  if (ctx.chain.includes(label)) throw new ParseError(cycleMessage('role', ctx.chain, label), { pos: refPos, hint: 'Roles depend on each other in a loop; break it.' })
  const key = `${dir}\0${JSON.stringify(ref.params)}\0${ref.from.tasks ?? ''}`
  if (once && ctx.seenRoles.has(key)) return []
  ctx.seenRoles.add(key)

  const value = nodeValue(ref)
  const role: Role = {
    ...(isMapping(value) ? located(ref.src, ref.path, value) : { pos: refPos, keyPos: {} }),
    name: ref.name,
    dir,
    defaults: varsOf(dir, 'defaults', ref.from.defaults),
    vars: varsOf(dir, 'vars', ref.from.vars),
    params: ref.params,
    tasks: [],
    handlers: [],
    tags: ref.tags,
    when: ref.when,
  }
  if (ctx.role) role.parents = [{ name: ctx.role.name, dir: ctx.role.dir }, ...(ctx.role.parents ?? [])]
  const specFile = roleFile(dir, 'meta', 'argument_specs')
  const spec = specFile ? loadArgumentSpec(specFile) : undefined
  if (spec) role.argumentSpec = spec

  const inner: LoadCtx = { ...ctx, role, when: [], tags: [], chain: [...ctx.chain, label] }
  const deps = dependencies(dir, inner, loader)
  const tasksFile = roleFile(dir, 'tasks', ref.from.tasks ?? 'main')
  if (!tasksFile && ref.from.tasks) {
    throw new ParseError(`role '${ref.name}' has no tasks/${ref.from.tasks}.yml`, { pos: refPos, hint: `Check tasks_from; the role is in ${dir}.` })
  }
  if (tasksFile) role.tasks = loadTaskFileWith(tasksFile, refPos, inner, join(dir, 'tasks'))
  role.handlers = loadHandlers(dir, ref.from.handlers, inner)
  const when = [...ctx.when, ...ref.when]
  applyWhenTags(role.tasks, when, [...ctx.tags, ...ref.tags])
  applyWhenTags(role.handlers, when, [])
  applyKeywords(role.tasks, ref.keywords)
  applyKeywords(role.handlers, ref.keywords)
  return [...deps, role]
}

/** The JS value of the reference node (a string or a mapping). */
function nodeValue(ref: RoleRef): unknown {
  let v: unknown = ref.src.value
  for (const p of ref.path) v = (v as Record<string | number, unknown> | undefined)?.[p]
  return v
}

function varsOf(dir: string, sub: string, base = 'main'): Vars {
  const f = roleFile(dir, sub, base)
  return f ? loadVarsFile(f) : {}
}

/** meta/main.yml `dependencies`, loaded before the role, each once in the play. */
function dependencies(dir: string, ctx: LoadCtx, loader: RoleLoader): Role[] {
  const file = roleFile(dir, 'meta')
  if (!file) return []
  const src = readSource(file, undefined, 'role meta file')
  if (src.value === null || src.value === undefined) return []
  if (!isMapping(src.value)) throw errorAt(src, [], 'a role meta file must be a mapping', "Put the role's dependencies under 'dependencies:'.")
  const deps = src.value.dependencies
  if (deps === undefined || deps === null) return []
  if (!Array.isArray(deps)) throw errorAt(src, ['dependencies'], "'dependencies' must be a list of roles", 'Write "dependencies:\\n  - role: other".')
  const roles = deps.flatMap((d, i) => loader.load(parseRoleRef(src, ['dependencies', i], d), { ...ctx, role: undefined }, true))
  for (const r of roles) r.dependency = true
  return roles
}

function loadHandlers(dir: string, base: string | undefined, ctx: LoadCtx): Task[] {
  const file = roleFile(dir, 'handlers', base ?? 'main')
  if (!file) return []
  const src = readSource(file, undefined, 'handlers file')
  return onlyTasks(parseTaskList(src, [], src.value, { ...ctx, src, dir: join(dir, 'handlers') }))
}

/** Handlers are plain tasks: a block among them is an error at the block. */
export function onlyTasks(nodes: ReturnType<typeof parseTaskList>): Task[] {
  return nodes.map((n) => {
    if (n.kind === 'block') throw new ParseError('a handler cannot be a block', { pos: n.pos, hint: 'Write each handler as a single task.' })
    return n
  })
}
