// Which module a task runs and with what raw args: finds the one module key, moves free-form
// text to the module's freeForm key, merges `args:`, and checks arg names against the schema.
import { ParseError, type SourcePos } from '../errors.js'
import { aliasMap, resolveAliases } from '../modules/aliases.js'
import { canonicalName, EXECUTOR_ACTIONS, getModule, moduleNames } from '../modules/index.js'
import { closest, didYouMean } from '../util/suggest.js'
import { keyPosAt, posAt, type SourceFile } from '../yaml/source.js'
import { errorAtKey, isMapping, valuePos, type Path } from './at.js'
import { splitKv } from './kv.js'
import { UNSUPPORTED } from './keywords.js'
import { report } from './problems.js'
import type { Vars } from './types.js'

export const META_ACTIONS = ['flush_handlers', 'end_play', 'end_host', 'clear_facts', 'noop', 'refresh_inventory']
const ACTION_ARGS: Record<string, string[]> = {
  include_tasks: ['file', 'apply'],
  import_tasks: ['file'],
  import_role: ['name', 'tasks_from', 'handlers_from', 'vars_from', 'defaults_from', 'allow_duplicates', 'public', 'rolespec_validate'],
  include_role: ['name', 'tasks_from', 'handlers_from', 'vars_from', 'defaults_from', 'allow_duplicates', 'public', 'rolespec_validate', 'apply'],
}

export interface Action {
  /** The key as written (`ansible.builtin.copy`), for positions. */
  key: string
  /** Canonical name (`copy`). */
  module: string
  args: Vars
  /** Where each arg is written (its key in the mapping, `args:`, or the key=value text), so an
   * invalid value is reported on its own line. */
  argPos?: Record<string, SourcePos>
}

function isAction(key: string): boolean {
  const name = canonicalName(key)
  return (EXECUTOR_ACTIONS as readonly string[]).includes(name) || getModule(name) !== undefined
}

/** The single module key among `keys` (those that are not keywords). */
export function findActionKey(src: SourceFile, path: Path, keys: string[], keywords: string[]): string {
  const found: string[] = []
  for (const key of keys) {
    if (keywords.includes(key)) continue
    if (key in UNSUPPORTED) {
      report(errorAtKey(src, path, key, `'${key}' is an Ansible keyword tsplay does not support`, UNSUPPORTED[key]!))
      continue
    }
    if (isAction(key)) {
      found.push(key)
      continue
    }
    const actions = [...moduleNames(), ...EXECUTOR_ACTIONS]
    const keyword = closest(key, keywords)
    const hasModule = keys.some((k) => k !== key && !keywords.includes(k) && isAction(k))
    if (keyword || hasModule) {
      const hint = keyword ? `Fix the spelling of '${keyword}'.` : `Task keywords are: ${keywords.join(', ')}.`
      report(errorAtKey(src, path, key, `unknown task keyword '${key}'.${didYouMean(key, keywords)}`, hint))
      continue
    }
    throw errorAtKey(src, path, key, `unknown module '${key}'.${didYouMean(key, actions)}`, 'Run `tsplay doc` to list the modules tsplay has.')
  }
  if (found.length === 0) {
    throw new ParseError('task has no module/action', {
      pos: posAt(src, path),
      hint: "Each task needs exactly one module key, such as 'command: ls' or 'debug: {msg: hi}'.",
    })
  }
  if (found.length > 1) {
    const [a, b] = [found[0]!, found[1]!]
    const lineA = keyPosAt(src, path, a).line
    throw errorAtKey(src, path, b, `task has two module keys: '${a}' (line ${lineA}) and '${b}'`, 'A task runs one module; split it into two tasks.')
  }
  return found[0]!
}

/** Resolve the args of the action `key` in the task at `path`. */
export function resolveAction(src: SourceFile, path: Path, task: Record<string, unknown>, key: string): Action {
  const module = canonicalName(key)
  const raw = task[key]
  const extra = isMapping(task.args) ? task.args : {}
  if (module === 'meta') {
    const what = String(raw)
    if (typeof raw !== 'string' || !META_ACTIONS.includes(what)) {
      throw new ParseError(`unknown meta action '${what}'.${didYouMean(what, META_ACTIONS)}`, {
        pos: valuePos(src, path, key),
        hint: `meta takes one of: ${META_ACTIONS.join(', ')}.`,
      })
    }
    return { key, module, args: { _: what } }
  }
  const allowed = ACTION_ARGS[module]
  if (allowed) return { key, module, args: actionArgs(src, path, key, module, raw, extra, allowed) }
  const m = getModule(module)!
  // Aliases (lineinfile `dest` for `path`) are accepted wherever their canonical name is.
  const props = [...Object.keys((m.schema as { properties?: object }).properties ?? {}), ...Object.keys(aliasMap(m.schema))]
  let inline: Vars
  if (raw === null || raw === undefined) inline = {}
  else if (isMapping(raw)) inline = { ...raw }
  else if (typeof raw === 'string' || typeof raw === 'number') {
    const text = String(raw)
    if (m.freeForm) {
      // `creates=` and friends may sit anywhere, a line of their own in a multi-line script too
      // (as in Ansible); the rest of the text is kept as written.
      // A module that takes any key (add_host's host vars) takes any key=value word.
      const open = (m.schema as { additionalProperties?: unknown }).additionalProperties === true
      const kv = splitKv(text, (k) => k !== m.freeForm && (open || props.includes(k)))
      inline = Object.keys(kv.args).length ? { ...kv.args, [m.freeForm]: kv.rest } : { [m.freeForm]: text }
    } else {
      const kv = splitKv(text, () => true)
      if (kv.rest !== '') {
        throw new ParseError(`module '${module}' takes no free-form text`, {
          pos: valuePos(src, path, key),
          hint: `Write its args as a mapping or as key=value pairs: ${module}: {${props.slice(0, 2).map((p) => `${p}: ...`).join(', ')}}.`,
        })
      }
      inline = kv.args
    }
  } else {
    throw new ParseError(`the args of '${key}' must be a mapping or key=value text`, {
      pos: valuePos(src, path, key),
      hint: `Write ${key}: {arg: value, ...}.`,
    })
  }
  const merged = { ...extra, ...inline }
  checkArgNames(src, path, key, raw, extra, merged, m.schema, props)
  const { args, conflict } = resolveAliases(m.schema, merged)
  if (conflict) {
    report(new ParseError(`'${conflict.alias}' and '${conflict.other}' are the same argument ('${conflict.canonical}') of module '${module}'`, {
      pos: argsPos(src, path, key, conflict.alias, raw, extra),
      hint: `Give '${conflict.canonical}' once.`,
    }))
  }
  // Positions under the canonical name, pointing at the spelling the user wrote.
  const aliases = aliasMap(m.schema)
  const argPos = Object.fromEntries(Object.keys(merged).map((a) => [aliases[a] ?? a, argsPos(src, path, key, a, raw, extra)]))
  return { key, module, args, argPos }
}

/** Unknown arg names are caught at load when the schema is closed; types wait for templating. */
function checkArgNames(src: SourceFile, path: Path, key: string, raw: unknown, extra: Vars, args: Vars, schema: object, props: string[]): void {
  if ((schema as { additionalProperties?: unknown }).additionalProperties !== false) return
  for (const arg of Object.keys(args)) {
    if (props.includes(arg)) continue
    const pos = argsPos(src, path, key, arg, raw, extra)
    report(new ParseError(`unknown arg '${arg}' for module '${canonicalName(key)}'.${didYouMean(arg, props)}`, {
      pos,
      hint: `'${canonicalName(key)}' takes: ${props.join(', ')}.`,
    }))
  }
}

/** An arg's name in the module mapping, else in `args:`, else the inline key=value text. */
function argsPos(src: SourceFile, path: Path, key: string, arg: string, raw: unknown, extra: Vars): SourcePos {
  if (isMapping(raw) && arg in raw) return keyPosAt(src, [...path, key], arg)
  if (arg in extra) return keyPosAt(src, [...path, 'args'], arg)
  return valuePos(src, path, key)
}

function actionArgs(src: SourceFile, path: Path, key: string, module: string, raw: unknown, extra: Vars, allowed: string[]): Vars {
  const first = allowed[0]!
  let inline: Vars
  if (typeof raw === 'string') {
    const kv = splitKv(raw, (k) => allowed.includes(k))
    inline = kv.rest ? { ...kv.args, [first]: kv.rest } : kv.args
  } else if (isMapping(raw)) inline = { ...raw }
  else if (raw === null || raw === undefined) inline = {}
  else throw new ParseError(`'${key}' takes a ${first} or a mapping`, { pos: valuePos(src, path, key), hint: `Write ${key}: <${first}>.` })
  const args = { ...extra, ...inline }
  for (const arg of Object.keys(args)) {
    if (!allowed.includes(arg)) {
      throw new ParseError(`unknown arg '${arg}' for '${module}'.${didYouMean(arg, allowed)}`, {
        pos: argsPos(src, path, key, arg, raw, extra),
        hint: `'${module}' takes: ${allowed.join(', ')}.`,
      })
    }
  }
  if (typeof args[first] !== 'string' || args[first] === '') {
    throw new ParseError(`'${module}' needs a ${first}`, { pos: valuePos(src, path, key), hint: `Write ${key}: <${first}>.` })
  }
  return args
}
