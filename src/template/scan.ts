// What in a text or a condition tsplay could not evaluate, found without variables: `{{ }}` that is
// neither an expression nor a helper call, unknown filters, tests, functions and lookups. For
// `tsplay compat`; a run reports the same things when it reaches them.
import { didYouMean } from '../util/suggest.js'
import { TemplateFault } from './failures.js'
import { filters, methods } from './filters.js'
import { functions } from './functions.js'
import { parseExpression, type Node } from './jinja-parse.js'
import { lookups } from './lookups.js'
import { helpers } from './helpers.js'
import { listFilters } from './list-filters.js'
import { isHandlebarsProgram, splitSegments } from './segments.js'
import { tests } from './tests.js'

/** Problems of one condition (`when:` text, no `{{ }}`). */
export function scanCondition(expr: string): string[] {
  if (expr.includes('{{')) return scanText(expr)
  const node = parseExpression(expr)
  return node instanceof TemplateFault ? [node.message] : scanNode(node)
}

/** Problems of one YAML string that may hold `{{ }}`. */
export function scanText(text: string): string[] {
  if (!text.includes('{{')) return /\{%|\{#/.test(text) ? [`Jinja statements ({% %}, {# #}) are not read in YAML values: '${text.slice(0, 60)}'`] : []
  if (isHandlebarsProgram(text)) return []
  const segs = splitSegments(text)
  if (!segs) return [`a '{{' is never closed in '${text.slice(0, 60)}'`]
  const out: string[] = []
  for (const s of segs) {
    if (s.kind === 'expr') out.push(...scanNode(s.node))
    else if (s.kind === 'hbs' && !looksLikeHelperCall(s.source)) out.push(s.fault.message)
  }
  return out
}

const HELPERS = new Set([...Object.keys(helpers), ...Object.keys(listFilters)])

/** `{{ name arg ... }}` with a known helper name: what Handlebars would run. */
function looksLikeHelperCall(source: string): boolean {
  const m = /^\{\{\s*\(*\s*([A-Za-z_][\w]*)\s/.exec(source)
  return m !== null && HELPERS.has(m[1]!)
}

function scanNode(n: Node): string[] {
  const out: string[] = []
  const visit = (x: Node | undefined): void => {
    if (!x) return
    switch (x.t) {
      case 'filter':
        if (!Object.hasOwn(filters, x.name)) out.push(`unknown filter '${x.name}'.${didYouMean(x.name, Object.keys(filters))}`.replace(/\.$/, ''))
        visit(x.subject)
        x.args.forEach(visit)
        Object.values(x.kw).forEach(visit)
        return
      case 'test':
        if (x.name !== 'defined' && x.name !== 'undefined' && !Object.hasOwn(tests, x.name)) out.push(`unknown test '${x.name}'`)
        visit(x.subject)
        x.args.forEach(visit)
        return
      case 'call':
        if (x.fn.t === 'name') {
          if (!Object.hasOwn(functions, x.fn.name)) out.push(`unknown function '${x.fn.name}'`)
          const first = x.args[0]
          if (['lookup', 'query', 'q'].includes(x.fn.name) && first?.t === 'lit' && typeof first.v === 'string' && first.v !== 'template' && !Object.hasOwn(lookups, first.v)) {
            out.push(`unknown lookup '${first.v}'`)
          }
        } else if (x.fn.t === 'attr') {
          if (!Object.hasOwn(methods, x.fn.name)) out.push(`unknown method .${x.fn.name}()`)
          visit(x.fn.obj)
        }
        x.args.forEach(visit)
        Object.values(x.kw).forEach(visit)
        return
      case 'attr':
      case 'index':
      case 'slice':
        visit(x.obj)
        if (x.t === 'index') visit(x.key)
        if (x.t === 'slice') [x.start, x.stop, x.step].forEach(visit)
        return
      case 'list':
        x.items.forEach(visit)
        return
      case 'dict':
        x.pairs.forEach(([k, v]) => (visit(k), visit(v)))
        return
      case 'not':
      case 'neg':
      case 'splat':
        visit(x.x)
        return
      case 'bin':
        visit(x.l)
        visit(x.r)
        return
      case 'cond':
        visit(x.test)
        visit(x.yes)
        visit(x.no)
        return
      default:
        return
    }
  }
  visit(n)
  return out
}
