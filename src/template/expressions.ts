// `when:`, `changed_when:`, `failed_when:` and `until:` expressions in Ansible's Jinja syntax.
// The only jexl import: jexl parses (no code generation), expr-eval.ts walks the tree.
import { createRequire } from 'node:module'
import type jexlModule from 'jexl'
import { ParseError, TemplateError, type SourcePos } from '../errors.js'
import type { Condition, Vars } from '../playbook/types.js'
import { TemplateFault, UndefinedVariable } from './failures.js'
import { evalNode, type Node } from './expr-eval.js'
import { METHOD_PREFIX } from './filters.js'
import { renderValue } from './render.js'
import { truthy } from './values.js'

// Built on the first expression to parse: jexl (+ @babel/runtime) is ~25 ms of start-up that a
// playbook without conditions never needs. It is CommonJS, so a synchronous require keeps parsing
// synchronous.
type Jexl = InstanceType<typeof jexlModule.Jexl>
let jexlInstance: Jexl | undefined
function parser(): Jexl {
  if (jexlInstance) return jexlInstance
  const lib = createRequire(import.meta.url)('jexl') as typeof jexlModule
  const jexl = new lib.Jexl()
  // Operators are declared for the parser only; expr-eval.ts gives them meaning.
  const parseOnly = (): never => {
    throw new Error('tsplay evaluates jexl ASTs itself')
  }
  // Jinja's precedence, loosest first: or < and < not < comparisons < is < arithmetic.
  jexl.addBinaryOp('or', 5, parseOnly)
  jexl.addBinaryOp('||', 5, parseOnly)
  jexl.addBinaryOp('and', 10, parseOnly)
  jexl.addBinaryOp('&&', 10, parseOnly)
  jexl.addUnaryOp('not', parseOnly)
  // jexl gives unary operators no precedence, which makes `not a and b` parse as `not (a and b)`.
  // Placing `not` between `and` and the comparisons gives Jinja's `(not a) and b` and
  // `not (x == 1)`. Pinned jexl 2.3.0: its parser reads `precedence` from this grammar entry.
  Object.assign(jexl._grammar.elements['not']!, { precedence: 15 })
  for (const op of ['not_in', 'in']) jexl.addBinaryOp(op, 20, parseOnly)
  jexl.addBinaryOp('is', 25, parseOnly)
  jexl.addBinaryOp('~', 30, parseOnly)
  jexl.addBinaryOp('**', 50, parseOnly)
  return (jexlInstance = jexl)
}

type Parsed = { ast: Node } | { fault: TemplateFault }
const cache = new Map<string, Parsed>()
const CACHE_MAX = 20_000

const STRING = /'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g

/**
 * Jinja spellings jexl cannot parse, rewritten outside string literals: `not in` → not_in,
 * `x.0` → x[0], `s.startswith('a')` → a pipe into a method filter, `map(attribute='n')`.
 */
function rewrite(expr: string): string {
  let out = ''
  let last = 0
  const code = (s: string): string =>
    s
      .replace(/\bnot\s+in\b/g, 'not_in')
      .replace(/(?<=[\w\])])\.(\d+)\b/g, '[$1]')
      .replace(/\.\s*([A-Za-z_]\w*)\s*\(/g, `|${METHOD_PREFIX}$1(`)
      .replace(/\battribute\s*=(?!=)/g, "'attribute',")
  for (const m of expr.matchAll(STRING)) {
    out += code(expr.slice(last, m.index)) + m[0]
    last = m.index + m[0].length
  }
  return out + code(expr.slice(last))
}

function parse(expr: string): Parsed {
  let parsed = cache.get(expr)
  if (parsed) return parsed
  try {
    const ast = parser().compile(rewrite(expr))._getAst() as Node | null
    parsed = ast ? { ast } : { fault: new TemplateFault('empty expression', 'Write a condition, e.g. `when: x is defined`.') }
  } catch (e) {
    parsed = { fault: syntaxFault(expr, e) }
  }
  if (cache.size >= CACHE_MAX) cache.clear()
  cache.set(expr, parsed)
  return parsed
}

function syntaxFault(expr: string, e: unknown): TemplateFault {
  const detail = (e instanceof Error ? e.message : String(e)).replace(/: .*$/s, '')
  let hint = 'Expressions use Jinja syntax without {{ }}: `x == 1 and y is defined`, `x | default(0) > 2`.'
  if (/\w\s*=[^=]/.test(expr.replace(STRING, "''"))) {
    hint = "Compare with '==' (a single '=' assigns); keyword arguments are not supported, pass them in order."
  } else if (/\bif\b.*\belse\b/.test(expr)) hint = 'Inline if is written `cond ? a : b`.'
  return new TemplateFault(`cannot parse expression '${expr}': ${detail}`, hint)
}

/** Load-time check of a condition's syntax, so a typo stops the run before any host is touched. */
export function checkExpression(expr: string, pos: SourcePos): void {
  if (expr.includes('{{')) return
  const parsed = parse(expr)
  if ('fault' in parsed && !/^empty expression/.test(parsed.fault.message)) throw new ParseError(parsed.fault.message, { pos, hint: parsed.fault.hint })
}

/** Evaluate one expression; errors point at pos. */
export function evaluate(expr: string, vars: Vars, pos: SourcePos): unknown {
  const parsed = parse(expr)
  try {
    if ('fault' in parsed) throw parsed.fault
    return evalNode(parsed.ast, vars)
  } catch (e) {
    if (e instanceof UndefinedVariable) {
      throw new TemplateError(e.message, {
        pos,
        hint: `In '${expr}': test it with '${e.path} is defined' or give a fallback with '${e.path} | default(...)'.`,
      })
    }
    if (e instanceof TemplateFault) throw new TemplateError(e.message, { pos, hint: e.hint })
    throw e
  }
}

/** True when every condition holds (Ansible's list semantics); stops at the first false one. */
export function evalCondition(conds: Condition | Condition[], vars: Vars): boolean {
  for (const c of Array.isArray(conds) ? conds : [conds]) {
    if (!holds(c, vars)) return false
  }
  return true
}

function holds(c: Condition, vars: Vars): boolean {
  if (typeof c.expr === 'boolean') return c.expr
  if (!c.expr.includes('{{')) return truthy(evaluate(c.expr, vars, c.pos))
  // Ansible tolerates `when: "{{ x }} == 1"`: render first, then read the result as an expression.
  const rendered = renderValue(c.expr, vars, c.pos)
  if (typeof rendered !== 'string') return truthy(rendered)
  return rendered.trim() !== '' && truthy(evaluate(rendered, vars, c.pos))
}
