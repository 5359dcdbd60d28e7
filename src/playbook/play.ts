// One play mapping → Play: keys checked, vars_files read, roles and task lists loaded, and every
// notify matched against the handlers the play ends up with.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { ParseError } from '../errors.js'
import type { SourceFile } from '../yaml/source.js'
import { errorAt, errorAtKey, isMapping, located, valuePos, type Path } from './at.js'
import { checkSchema } from './check-node.js'
import type { LoadCtx } from './context.js'
import { applyKeywords, checkKeywordValues, keywordsOf } from './inherit.js'
import { BOOL_KEYWORDS, PLAY_SCHEMA, UNSUPPORTED } from './keywords.js'
import { coerceBools, toEnvironment, toTags } from './normalize.js'
import { checkNotify, handlerNames } from './notify.js'
import { roleSearchDirs } from './role-files.js'
import { report } from './problems.js'
import { parseRoleRef } from './role-ref.js'
import { createRoleLoader, onlyTasks } from './roles.js'
import { parseTaskList } from './tasks.js'
import type { Play, TaskNode, Vars } from './types.js'
import { loadVarsFile } from './vars-file.js'

export function parsePlay(src: SourceFile, path: Path, value: unknown, dir: string, chain: string[]): Play {
  if (!isMapping(value)) throw errorAt(src, path, 'a play must be a mapping', 'Start the play with "- hosts: <pattern>".')
  for (const key of Object.keys(value)) {
    if (key in UNSUPPORTED) {
      report(errorAtKey(src, path, key, `'${key}' is an Ansible play keyword tsplay does not support`, UNSUPPORTED[key]!))
      delete value[key]
    }
  }
  checkKeywordValues(src, path, value)
  coerceBools(value, BOOL_KEYWORDS)
  if (typeof value.serial === 'string' && /^\d+$/.test(value.serial)) value.serial = Number(value.serial)
  checkSchema(src, path, PLAY_SCHEMA, value, 'play')
  const hosts = Array.isArray(value.hosts) ? value.hosts.join(',') : String(value.hosts)
  const tags = toTags(value.tags)
  const play: Play = {
    ...located(src, path, value),
    name: typeof value.name === 'string' ? value.name : hosts,
    hosts,
    dir,
    vars: (value.vars as Vars | undefined) ?? {},
    varsFiles: varsFiles(src, path, value.vars_files, dir),
    roles: [],
    preTasks: [],
    tasks: [],
    postTasks: [],
    handlers: [],
    gatherFacts: value.gather_facts !== false,
    anyErrorsFatal: value.any_errors_fatal === true,
    strategy: (value.strategy as string | undefined) ?? 'linear',
    tags,
  }
  if (value.serial !== undefined) play.serial = serial(src, path, value.serial)
  if (value.become !== undefined) play.become = value.become as boolean
  if (typeof value.become_user === 'string') play.becomeUser = value.become_user
  if (typeof value.max_fail_percentage === 'number') play.maxFailPercentage = value.max_fail_percentage
  if (value.environment) play.environment = toEnvironment(value.environment) as Record<string, string>
  if (value.check_mode !== undefined) play.checkMode = value.check_mode as boolean
  if (value.no_log !== undefined) play.noLog = value.no_log as boolean

  const loader = createRoleLoader(roleSearchDirs(dir))
  const ctx: LoadCtx = { src, dir, when: [], tags, chain, roles: loader, handlers: [], seenRoles: new Set() }
  const refs = (value.roles as unknown[] | null | undefined) ?? []
  play.roles = refs.flatMap((r, i) => loader.load(parseRoleRef(src, [...path, 'roles', i], r), ctx, true))
  play.preTasks = parseTaskList(src, [...path, 'pre_tasks'], value.pre_tasks, ctx)
  play.tasks = parseTaskList(src, [...path, 'tasks'], value.tasks, ctx)
  play.postTasks = parseTaskList(src, [...path, 'post_tasks'], value.post_tasks, ctx)
  const own = onlyTasks(parseTaskList(src, [...path, 'handlers'], value.handlers, { ...ctx, tags: [] }))
  // `roles:` handlers stay on each Role; those of import_role/include_role join the play's.
  play.handlers = [...ctx.handlers, ...own]
  const handlers = [...play.roles.flatMap((r) => r.handlers), ...play.handlers]

  // Play-level keywords the Play type has no field for reach the executor through each task.
  const kw = keywordsOf({ ignore_errors: value.ignore_errors, ignore_unreachable: value.ignore_unreachable, diff: value.diff, connection: value.connection, remote_user: value.remote_user, become_method: value.become_method })
  const all: TaskNode[] = [...play.preTasks, ...play.roles.flatMap((r) => r.tasks), ...play.tasks, ...play.postTasks]
  applyKeywords([...all, ...handlers], kw)
  checkNotify([...all, ...handlers], handlerNames(handlers))
  return play
}

function varsFiles(src: SourceFile, path: Path, list: unknown, dir: string): Play['varsFiles'] {
  if (!Array.isArray(list)) return []
  return list.map((item: string | string[], i) => {
    const from = valuePos(src, [...path, 'vars_files'], i)
    const names = Array.isArray(item) ? item : [item]
    for (const n of names) {
      if (n.includes('{{')) {
        throw new ParseError(`vars_files entry '${n}' is a template`, { pos: from, hint: 'vars_files are read when the playbook loads, before any variable exists; use a fixed path.' })
      }
    }
    // A nested list means "the first of these that exists", as in Ansible.
    const found = Array.isArray(item) ? item.map((n) => resolve(dir, n)).find((p) => existsSync(p)) : resolve(dir, item)
    if (!found) throw new ParseError(`none of the vars_files ${names.join(', ')} exists`, { pos: from, hint: `Paths are relative to ${dir}.` })
    return { path: found, vars: loadVarsFile(found, from) }
  })
}

function serial(src: SourceFile, path: Path, v: unknown): Array<number | string> {
  const items = Array.isArray(v) ? v : [v]
  return items.map((s, i) => {
    if (typeof s === 'number' && s > 0) return s
    if (typeof s === 'string' && /^\d+$/.test(s)) return Number(s)
    if (typeof s === 'string' && /^\d+(\.\d+)?%$/.test(s)) return s
    if (typeof s === 'string' && s.includes('{{')) return s
    const at = Array.isArray(v) ? [...path, 'serial', i] : [...path, 'serial']
    throw errorAt(src, at, `serial '${String(s)}' must be a positive number or a percentage like '30%'`, 'Write serial: 2, serial: "30%" or a list of those.')
  })
}
