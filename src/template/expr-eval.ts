// Evaluates a parsed expression (jexl's AST) with Jinja semantics. We walk the tree ourselves
// rather than use jexl's evaluator so that `x is defined` and `x | default(...)` can see a
// missing variable, every other missing variable is an error naming its full path, and `and`,
// `or`, `==` and `in` behave as in Python.
import { didYouMean } from '../util/suggest.js'
import { getOwn, ownKeys, TemplateFault, undefinedPath, UndefinedVariable } from './failures.js'
import { filters, METHOD_PREFIX } from './filters.js'
import { helpers } from './helpers.js'
import { runTest, tests } from './tests.js'
import { deepEqual, isMapping, toText, truthy, typeName } from './values.js'

/** jexl's AST, declared here so only expressions.ts imports jexl. */
export type Node =
  | { type: 'UnaryExpression'; operator: string; right: Node }
  | { type: 'BinaryExpression'; operator: string; left: Node; right: Node }
  | { type: 'ConditionalExpression'; test: Node; consequent?: Node; alternate: Node }
  | { type: 'FilterExpression'; relative: boolean; expr: Node; subject: Node }
  | { type: 'Literal'; value: string | number | boolean }
  | { type: 'ArrayLiteral'; value: Node[] }
  | { type: 'ObjectLiteral'; value: Record<string, Node> }
  | { type: 'Identifier'; value: string; from?: Node; relative?: boolean }
  | { type: 'FunctionCall'; name: string; pool: 'functions' | 'transforms'; args: Node[] }

/** Jinja's literal names; both spellings, since Ansible users write either. */
const CONSTANTS: Record<string, unknown> = { True: true, False: false, None: null, none: null }

type Arith = (a: number, b: number) => number
const ARITH: Record<string, Arith> = {
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '//': (a, b) => Math.floor(a / b),
  '%': (a, b) => a % b,
  '^': (a, b) => a ** b,
  '**': (a, b) => a ** b,
}

export function evalNode(n: Node, vars: Record<string, unknown>): unknown {
  switch (n.type) {
    case 'Literal':
      return n.value
    case 'ArrayLiteral':
      return n.value.map((x) => evalNode(x, vars))
    case 'ObjectLiteral':
      return Object.fromEntries(Object.entries(n.value).map(([k, v]) => [k, evalNode(v, vars)]))
    case 'Identifier':
      return identifier(n, vars)
    case 'FilterExpression':
      return index(n, vars)
    case 'ConditionalExpression': {
      const test = evalNode(n.test, vars)
      if (!truthy(test)) return evalNode(n.alternate, vars)
      return n.consequent ? evalNode(n.consequent, vars) : test
    }
    case 'UnaryExpression':
      return !truthy(evalNode(n.right, vars))
    case 'BinaryExpression':
      return binary(n.operator, n.left, n.right, vars)
    case 'FunctionCall':
      return call(n, vars)
  }
}

function identifier(n: Node & { type: 'Identifier' }, vars: Record<string, unknown>): unknown {
  if (n.relative) throw new TemplateFault(`'.${n.value}' outside a list filter is not supported`)
  if (!n.from) {
    const r = getOwn(vars, n.value)
    if (r.found) return r.value
    if (Object.hasOwn(CONSTANTS, n.value)) return CONSTANTS[n.value]
    throw undefinedPath([n.value], Object.keys(vars))
  }
  const base = evalNode(n.from, vars)
  const r = getOwn(base, n.value)
  if (!r.found) throw undefinedPath([...pathOf(n.from), n.value], ownKeys(base))
  return r.value
}

function index(n: Node & { type: 'FilterExpression' }, vars: Record<string, unknown>): unknown {
  if (n.relative) {
    throw new TemplateFault('jexl list filters ([.x == 1]) are not supported', "Use selectattr('x', 'equalto', 1).")
  }
  const base = evalNode(n.subject, vars)
  const key = evalNode(n.expr, vars)
  // Python's negative indexes count from the end.
  const k = typeof key === 'number' && key < 0 && (Array.isArray(base) || typeof base === 'string') ? base.length + key : key
  const r = typeof base === 'string' && typeof k === 'number' ? { found: k < base.length, value: base[k] } : getOwn(base, toText(k))
  if (!r.found) throw undefinedPath([...pathOf(n.subject), toText(key)], ownKeys(base))
  return r.value
}

function binary(op: string, left: Node, right: Node, vars: Record<string, unknown>): unknown {
  switch (op) {
    case 'and':
    case '&&': {
      const l = evalNode(left, vars)
      return truthy(l) ? evalNode(right, vars) : l
    }
    case 'or':
    case '||': {
      const l = evalNode(left, vars)
      return truthy(l) ? l : evalNode(right, vars)
    }
    case 'is':
      return isTest(left, right, vars)
  }
  const a = evalNode(left, vars)
  const b = evalNode(right, vars)
  switch (op) {
    case '==':
      return deepEqual(a, b)
    case '!=':
      return !deepEqual(a, b)
    case '<':
    case '<=':
    case '>':
    case '>=':
      return helpers[{ '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' }[op]]!(a, b)
    case 'in':
      return contains(b, a)
    case 'not_in':
      return !contains(b, a)
    case '~':
      return toText(a) + toText(b)
    case '+':
      if (typeof a === 'number' && typeof b === 'number') return a + b
      if (typeof a === 'string' && typeof b === 'string') return a + b
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b]
      throw new TemplateFault(`cannot add a ${typeName(a)} and a ${typeName(b)}`, "Join text with '~': 'a' ~ 1.")
  }
  const f = ARITH[op]
  if (!f) throw new TemplateFault(`unsupported operator '${op}'`)
  if (typeof a !== 'number' || typeof b !== 'number') {
    throw new TemplateFault(`'${op}' needs two numbers, got a ${typeName(a)} and a ${typeName(b)}`, 'Convert with | int or | float.')
  }
  if (b === 0 && ['/', '//', '%'].includes(op)) throw new TemplateFault('division by zero')
  return f(a, b)
}

function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item))
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item)
  if (isMapping(container)) return Object.hasOwn(container, toText(item))
  throw new TemplateFault(`'in' needs a list, string or dict on its right, got a ${typeName(container)}`)
}

/** `x is [not] name` or `x is [not] name(args)`. */
function isTest(left: Node, right: Node, vars: Record<string, unknown>): boolean {
  let negate = false
  if (right.type === 'UnaryExpression') {
    negate = true
    right = right.right
  }
  const name = right.type === 'Identifier' && !right.from ? right.value : right.type === 'FunctionCall' ? right.name : undefined
  if (name === undefined) throw new TemplateFault("'is' must be followed by a test name, e.g. 'x is defined'")
  const args = right.type === 'FunctionCall' ? right.args.map((a) => evalNode(a, vars)) : []
  let ok: boolean
  if (name === 'defined' || name === 'undefined') {
    ok = (lenient(left, vars) !== undefined) === (name === 'defined')
  } else if (Object.hasOwn(tests, name)) {
    ok = runTest(name, evalNode(left, vars), args)
  } else {
    throw new TemplateFault(`unknown test '${name}'.${didYouMean(name, ['defined', 'undefined', ...Object.keys(tests)])}`.replace(/\.$/, ''))
  }
  return negate ? !ok : ok
}

/** The value, or undefined when the variable (or a step of its path) is missing. */
function lenient(n: Node, vars: Record<string, unknown>): unknown {
  try {
    return evalNode(n, vars)
  } catch (e) {
    if (e instanceof UndefinedVariable) return undefined
    throw e
  }
}

function call(n: Node & { type: 'FunctionCall' }, vars: Record<string, unknown>): unknown {
  if (n.pool === 'functions') {
    if (n.name === 'lookup') return helpers.lookup!(...n.args.map((a) => evalNode(a, vars)))
    const isTestName = Object.hasOwn(tests, n.name) || n.name === 'defined' || n.name === 'undefined'
    const hint = isTestName ? `'${n.name}' is a test: write 'x is ${n.name}(...)'.` : 'Functions: lookup(\'env\', NAME).'
    throw new TemplateFault(`unknown function '${n.name}'`, hint)
  }
  const f = Object.hasOwn(filters, n.name) ? filters[n.name] : undefined
  if (!f) {
    const method = n.name.startsWith(METHOD_PREFIX)
    const shown = method ? `.${n.name.slice(METHOD_PREFIX.length)}()` : `'${n.name}'`
    const known = Object.keys(filters).filter((k) => !k.startsWith(METHOD_PREFIX))
    throw new TemplateFault(`unknown ${method ? 'method' : 'filter'} ${shown}.${method ? '' : didYouMean(n.name, known)}`.replace(/\.$/, ''))
  }
  // default/mandatory exist to handle a missing subject.
  const first = ['default', 'd', 'mandatory'].includes(n.name) ? lenient(n.args[0]!, vars) : evalNode(n.args[0]!, vars)
  return f(first, ...n.args.slice(1).map((a) => evalNode(a, vars)))
}

/** The user's spelling of a path node, for error messages. */
function pathOf(n: Node): string[] {
  if (n.type === 'Identifier') return n.from ? [...pathOf(n.from), n.value] : [n.value]
  if (n.type === 'FilterExpression' && n.expr.type === 'Literal') return [...pathOf(n.subject), String(n.expr.value)]
  return ['(…)']
}
