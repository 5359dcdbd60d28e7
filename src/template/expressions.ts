// `when:`, `changed_when:`, `failed_when:` and `until:` expressions, and every `{{ }}` that is one,
// in Ansible's Jinja syntax: jinja-parse.ts parses, expr-eval.ts walks the tree.
import { ParseError, TemplateError, type SourcePos } from '../errors.js'
import type { Condition, Vars } from '../playbook/types.js'
import { TemplateFault, UndefinedVariable } from './failures.js'
import { evalNode, type Node } from './expr-eval.js'
import { parseExpression } from './jinja-parse.js'
import { renderValue } from './render.js'
import { truthy } from './values.js'

function parse(expr: string): Parsed {
  if (expr.trim() === '') return { fault: new TemplateFault('empty expression', 'Write a condition, e.g. `when: x is defined`.') }
  const r = parseExpression(expr)
  return r instanceof TemplateFault ? { fault: syntaxFault(expr, r) } : { ast: r }
}

type Parsed = { ast: Node } | { fault: TemplateFault }

const STRING = /'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g

function syntaxFault(expr: string, e: TemplateFault): TemplateFault {
  let hint = 'Expressions use Jinja syntax: `x == 1 and y is defined`, `x | default(0) > 2`, `a if c else b`.'
  if (/(^|[^=!<>])=($|[^=])/.test(expr.replace(STRING, "''").replace(/\(.*\)/g, ''))) {
    hint = "Compare with '==' (a single '=' assigns; name=value is only for keyword arguments inside a call)."
  }
  return new TemplateFault(e.message, hint)
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
