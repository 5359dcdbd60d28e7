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
import { evalNode } from './expr-eval.js'
import { useTemplateRenderer } from './functions.js'
import type { Node } from './jinja-parse.js'
import { listFilters } from './list-filters.js'
import { isHandlebarsProgram, splitSegments } from './segments.js'
import { isUnsafe } from './unsafe.js'

/** A piece of a string read expression by expression: text, a Jinja expression, or a helper call. */
type Part = string | { node: Node; loc: { line: number; col: number } } | { mustache: Mustache }

type Parsed =
  | { kind: 'path'; segments: string[] }
  | { kind: 'expr'; node: Node }
  | { kind: 'mixed'; parts: Part[] }
  | { kind: 'single'; node: Mustache }
  | { kind: 'program'; program: Program }
  | { kind: 'fault'; fault: TemplateFault }

// Loaded on the first template that is more than a lone variable: handlebars (+ source-map) is
// ~40 ms of start-up that runs of plain text and `{{ var }}` values never need. It is CommonJS, so
// a synchronous require keeps rendering synchronous.
type HandlebarsLib = typeof import('handlebars')
let handlebars: HandlebarsLib | undefined
const loadHandlebars = (): HandlebarsLib => (handlebars ??= createRequire(import.meta.url)('handlebars') as HandlebarsLib)

const walker = new Walker({ ...listFilters, ...helpers })
// Runs render the same few thousand strings over and over (every task, every host, every loop
// item), so parsing happens once per distinct text. The cap only guards against runaway growth.
const cache = new Map<string, Parsed>()
const fileCache = new Map<string, Parsed>()
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
  const parsed = parse(text, true)
  try {
    if (parsed.kind === 'fault') throw parsed.fault
    if (parsed.kind === 'program') return walker.render(parsed.program, vars)
    if (parsed.kind === 'single') return toText(walker.value(parsed.node, vars))
    if (parsed.kind === 'path') return toText(lonePath(parsed.segments, vars))
    throw new TemplateFault('internal: a template file parsed as an expression')
  } catch (e) {
    const loc = e instanceof UndefinedVariable || e instanceof TemplateFault ? e.loc : undefined
    throw toTemplateError(e, { file, line: loc?.line ?? 1, col: loc?.col ?? 1 }, '')
  }
}
useTemplateRenderer(renderTemplateFile)

function renderText(text: string, vars: Vars, pos: SourcePos, typed: boolean): unknown {
  if (!text.includes('{{') || isUnsafe(text)) {
    if (isUnsafe(text)) return text
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
      case 'expr': {
        const v = located({ line: 1, col: 1 }, () => evalNode(parsed.node, vars))
        return typed ? v : toText(v)
      }
      case 'mixed':
        return renderParts(parsed.parts, vars)
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

function parse(text: string, templateFile = false): Parsed {
  const c = templateFile ? fileCache : cache
  let parsed = c.get(text)
  if (parsed) return parsed
  parsed = parseUncached(text, templateFile)
  if (c.size >= CACHE_MAX) c.clear()
  c.set(text, parsed)
  return parsed
}

/** Template files are Handlebars only; YAML strings read each {{ }} as an expression first. */
function parseUncached(text: string, templateFile: boolean): Parsed {
  const lone = LONE_PATH.exec(text)
  if (lone) return { kind: 'path', segments: pathSegments(lone[1]!) }
  const jinja = jinjaStatement(text)
  if (jinja) return { kind: 'fault', fault: jinja }
  if (!templateFile && !isHandlebarsProgram(text)) {
    const read = readExpressions(text)
    if (read) return read
  }
  return parseHandlebars(text)
}

/** A string read `{{ }}` by `{{ }}` (see segments.ts); undefined sends it to Handlebars whole. */
function readExpressions(text: string): Parsed | undefined {
  const segs = splitSegments(text)
  if (!segs) return undefined
  if (segs.length === 1 && segs[0]!.kind === 'expr') return { kind: 'expr', node: segs[0]!.node }
  const parts: Part[] = []
  for (const seg of segs) {
    if (seg.kind === 'text') parts.push(seg.text)
    else if (seg.kind === 'expr') parts.push({ node: seg.node, loc: { line: seg.line, col: seg.col } })
    else {
      const one = parseHandlebars(seg.source)
      if (one.kind === 'single') parts.push({ mustache: one.node })
      else {
        // Neither an expression nor a helper call: the expression's complaint is the useful one.
        const fault = new TemplateFault(seg.fault.message, 'Inside {{ }} write a Jinja expression (`x | default(1)`, `a if c else b`) or a helper call (`join users " "`). See docs/templates.md.')
        fault.loc = { line: seg.line, col: seg.col }
        return { kind: 'fault', fault }
      }
    }
  }
  if (parts.length === 1 && typeof parts[0] === 'object' && 'mustache' in parts[0]) return { kind: 'single', node: parts[0].mustache }
  return { kind: 'mixed', parts }
}

function renderParts(parts: Part[], vars: Vars): string {
  let out = ''
  for (const p of parts) {
    if (typeof p === 'string') out += p
    else if ('mustache' in p) out += toText(walker.value(p.mustache, vars))
    else out += toText(located(p.loc, () => evalNode(p.node, vars)))
  }
  return out
}

/** Run fn, stamping where in the text an expected failure happened. */
function located<T>(loc: { line: number; col: number }, fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    if ((e instanceof UndefinedVariable || e instanceof TemplateFault) && !e.loc) e.loc = loc
    throw e
  }
}

function parseHandlebars(text: string): Parsed {
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
