// Templating of task args, vars and template files. The only handlebars import: we use its
// parser alone and walk the AST ourselves (hbs-walk.ts), so no template becomes JavaScript.
import { createRequire } from 'node:module'
import { formatPos, TemplateError, type SourcePos } from '../errors.js'
import type { Vars } from '../playbook/types.js'
import { getOwn, ownKeys, TemplateFault, undefinedPath, UndefinedVariable } from './failures.js'
import type { Mustache, Program } from './hbs-ast.js'
import { Walker } from './hbs-walk.js'
import { helpers } from './helpers.js'
import { jinjaExpression, jinjaStatement } from './jinja-hints.js'
import { toText } from './values.js'

type Parsed =
  | { kind: 'path'; segments: string[] }
  | { kind: 'single'; node: Mustache }
  | { kind: 'program'; program: Program }
  | { kind: 'fault'; fault: TemplateFault }

// Loaded on the first template that is more than a lone variable: handlebars (+ source-map) is
// ~40 ms of start-up that runs of plain text and `{{ var }}` values never need. It is CommonJS, so
// a synchronous require keeps rendering synchronous.
type HandlebarsLib = typeof import('handlebars')
let handlebars: HandlebarsLib | undefined
const loadHandlebars = (): HandlebarsLib => (handlebars ??= createRequire(import.meta.url)('handlebars') as HandlebarsLib)

const walker = new Walker(helpers)
// Runs render the same few thousand strings over and over (every task, every host, every loop
// item), so parsing happens once per distinct text. The cap only guards against runaway growth.
const cache = new Map<string, Parsed>()
const CACHE_MAX = 20_000

/** `{{ users }}`, `{{ item.0 }}`, `{{ hostvars['old'].ansible_host }}`: a lone variable path. */
const LONE_PATH = /^\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\.\d+|\[\d+\]|\['[^'\]]*'\]|\["[^"\]]*"\])*)\s*\}\}$/

/**
 * Render every string inside value. A string that is a single `{{ ... }}` keeps the value's
 * type (a list for `loop: "{{ users }}"`, a number for `port: "{{ port }}"`), as in Ansible.
 */
export function renderValue(value: unknown, vars: Vars, pos: SourcePos): unknown {
  if (typeof value === 'string') return renderText(value, vars, pos, true)
  if (Array.isArray(value)) return value.map((v) => renderValue(v, vars, pos))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = renderValue(v, vars, pos)
    return out
  }
  return value
}

/** Render one string to a string. */
export function renderString(text: string, vars: Vars, pos: SourcePos): string {
  return toText(renderText(text, vars, pos, false))
}

/** Render a template file's text; errors point at the line and column inside that file. */
export function renderTemplateFile(text: string, vars: Vars, file: string): string {
  const parsed = parse(text)
  try {
    if (parsed.kind === 'fault') throw parsed.fault
    if (parsed.kind === 'program') return walker.render(parsed.program, vars)
    return toText(parsed.kind === 'single' ? walker.value(parsed.node, vars) : lonePath(parsed.segments, vars))
  } catch (e) {
    const loc = e instanceof UndefinedVariable || e instanceof TemplateFault ? e.loc : undefined
    throw toTemplateError(e, { file, line: loc?.line ?? 1, col: loc?.col ?? 1 }, '')
  }
}

function renderText(text: string, vars: Vars, pos: SourcePos, typed: boolean): unknown {
  if (!text.includes('{{')) {
    const jinja = text.includes('{%') || text.includes('{#') ? jinjaStatement(text) : undefined
    if (jinja) throw toTemplateError(jinja, pos, '')
    return text
  }
  const parsed = parse(text)
  try {
    switch (parsed.kind) {
      case 'path': {
        const v = lonePath(parsed.segments, vars)
        return typed ? v : toText(v)
      }
      case 'single': {
        const v = walker.value(parsed.node, vars)
        return typed ? v : toText(v)
      }
      case 'program':
        return walker.render(parsed.program, vars)
      case 'fault':
        throw parsed.fault
    }
  } catch (e) {
    const loc = e instanceof UndefinedVariable || e instanceof TemplateFault ? e.loc : undefined
    // The caller's pos is the YAML value; in a multi-line value also say which line of it.
    const where = loc && text.includes('\n') ? ` (line ${loc.line} of the template at ${formatPos(pos)})` : ''
    throw toTemplateError(e, pos, where)
  }
}

function parse(text: string): Parsed {
  let parsed = cache.get(text)
  if (parsed) return parsed
  parsed = parseUncached(text)
  if (cache.size >= CACHE_MAX) cache.clear()
  cache.set(text, parsed)
  return parsed
}

function parseUncached(text: string): Parsed {
  const lone = LONE_PATH.exec(text)
  if (lone) return { kind: 'path', segments: pathSegments(lone[1]!) }
  const jinja = jinjaStatement(text)
  if (jinja) return { kind: 'fault', fault: jinja }
  let program: Program
  try {
    program = loadHandlebars().parse(text) as unknown as Program
  } catch (e) {
    return { kind: 'fault', fault: jinjaExpression(text) ?? syntaxFault(e) }
  }
  const only = program.body.length === 1 ? program.body[0] : undefined
  if (only?.type === 'MustacheStatement') return { kind: 'single', node: only }
  return { kind: 'program', program }
}

function syntaxFault(e: unknown): TemplateFault {
  const msg = e instanceof Error ? e.message : String(e)
  const line = Number(/on line (\d+)/.exec(msg)?.[1] ?? 1)
  // Handlebars puts the offending text and a ---^ pointer on lines 2-3 of its message.
  const [, snippet = '', pointer = '', expecting = ''] = msg.split('\n')
  const fault = new TemplateFault(
    `template syntax error: ${expecting.replace(/^Expecting .*, got /, 'unexpected ')}\n${snippet}\n${pointer}`,
    'Handlebars syntax: {{name}}, {{helper arg1 "text"}}, {{#if x}}...{{else}}...{{/if}}, ' +
      '{{#each list as |item|}}...{{/each}}; index a list with {{list.[0]}}.',
  )
  fault.loc = { line, col: 1 }
  return fault
}

function pathSegments(path: string): string[] {
  const out: string[] = []
  for (const m of path.matchAll(/([A-Za-z_]\w*)|\.(\d+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/g)) {
    out.push((m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5])!)
  }
  return out
}

function lonePath(segments: string[], vars: Vars): unknown {
  let cur: unknown = vars
  for (let i = 0; i < segments.length; i++) {
    const r = getOwn(cur, segments[i]!)
    if (!r.found) throw undefinedPath(segments.slice(0, i + 1), ownKeys(cur))
    cur = r.value
  }
  return cur
}

function toTemplateError(e: unknown, pos: SourcePos, where: string): unknown {
  if (e instanceof UndefinedVariable) {
    return new TemplateError(`${e.message}${where}`, {
      pos,
      hint: `Define it (vars, inventory, register...), give a fallback with {{default ${e.path} "..."}}, or guard the text with {{#if ${e.path}}}...{{/if}}.`,
    })
  }
  if (e instanceof TemplateFault) return new TemplateError(`${e.message}${where}`, { pos, hint: e.hint })
  return e
}
