// Evaluates a parsed Jinja expression (jinja-parse.ts) with Jinja semantics: `x is defined` and
// `x | default(...)` see a missing variable, every other missing variable is an error naming its
// full path, and `and`, `or`, `==` and `in` behave as in Python.
import { didYouMean } from '../util/suggest.js'
import { getOwn, ownKeys, TemplateFault, undefinedPath, UndefinedVariable } from './failures.js'
import { callFilter, filters, methods } from './filters.js'
import { functions } from './functions.js'
import type { Node } from './jinja-parse.js'
import { runTest, tests } from './tests.js'
import { compare, deepEqual, isMapping, toText, truthy, typeName } from './values.js'

export type { Node }

type Vars = Record<string, unknown>
type Arith = (a: number, b: number) => number
const ARITH: Record<string, Arith> = {
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '//': (a, b) => Math.floor(a / b),
  '%': (a, b) => ((a % b) + b) % b,
  '**': (a, b) => a ** b,
}

export function evalNode(n: Node, vars: Vars): unknown {
  switch (n.t) {
    case 'lit':
      return n.v
    case 'name': {
      const r = getOwn(vars, n.name)
      if (r.found) return r.value
      throw undefinedPath([n.name], Object.keys(vars))
    }
    case 'attr':
    case 'index':
      return member(n, vars)
    case 'slice':
      return slice(n, vars)
    case 'list':
      return n.items.map((x) => evalNode(x, vars))
    case 'dict':
      return Object.fromEntries(n.pairs.map(([k, v]) => [toText(evalNode(k, vars)), evalNode(v, vars)]))
    case 'not':
      return !truthy(evalNode(n.x, vars))
    case 'neg': {
      const v = evalNode(n.x, vars)
      if (typeof v !== 'number') throw new TemplateFault(`cannot negate a ${typeName(v)}`)
      return -v
    }
    case 'cond':
      if (truthy(evalNode(n.test, vars))) return evalNode(n.yes, vars)
      return n.no ? evalNode(n.no, vars) : ''
    case 'bin':
      return binary(n.op, n.l, n.r, vars)
    case 'filter':
      return filter(n, vars)
    case 'test':
      return isTest(n, vars)
    case 'call':
      return call(n, vars)
    case 'splat':
      throw new TemplateFault(`'${n.double ? '**' : '*'}' only spreads arguments of a call`)
  }
}

/** A call's arguments with `*list` and `**dict` spread, as Python does. */
function callArgs(args: Node[], kwNodes: Record<string, Node>, vars: Vars): { args: unknown[]; kw: Record<string, unknown> } {
  const out: unknown[] = []
  const kw = kwargs(kwNodes, vars)
  for (const a of args) {
    if (a.t !== 'splat') out.push(evalNode(a, vars))
    else {
      const v = evalNode(a.x, vars)
      if (a.double) {
        if (!isMapping(v)) throw new TemplateFault(`'**' needs a dict, got a ${typeName(v)}`)
        Object.assign(kw, v)
      } else if (Array.isArray(v)) out.push(...v)
      else throw new TemplateFault(`'*' needs a list, got a ${typeName(v)}`)
    }
  }
  return { args: out, kw }
}

function member(n: Node & { t: 'attr' | 'index' }, vars: Vars): unknown {
  const base = evalNode(n.obj, vars)
  const key = n.t === 'attr' ? n.name : evalNode(n.key, vars)
  // Python's negative indexes count from the end.
  const k = typeof key === 'number' && key < 0 && (Array.isArray(base) || typeof base === 'string') ? base.length + key : key
  const r = typeof base === 'string' && typeof k === 'number' ? { found: k < base.length, value: base[k] } : getOwn(base, toText(k))
  if (!r.found) throw undefinedPath([...pathOf(n.obj), toText(key)], ownKeys(base))
  return r.value
}

function slice(n: Node & { t: 'slice' }, vars: Vars): unknown {
  const base = evalNode(n.obj, vars)
  if (!Array.isArray(base) && typeof base !== 'string') throw new TemplateFault(`cannot slice a ${typeName(base)}`)
  const num = (x: Node | undefined): number | undefined => (x ? Number(evalNode(x, vars)) : undefined)
  const step = num(n.step) ?? 1
  const items = [...base]
  const len = items.length
  const clamp = (v: number | undefined, dflt: number): number => (v === undefined ? dflt : v < 0 ? Math.max(len + v, step < 0 ? -1 : 0) : Math.min(v, step < 0 ? len - 1 : len))
  const out: unknown[] = []
  if (step > 0) for (let i = clamp(num(n.start), 0); i < clamp(num(n.stop), len); i += step) out.push(items[i])
  else if (step < 0) for (let i = clamp(num(n.start), len - 1); i > clamp(num(n.stop), -1); i += step) out.push(items[i])
  else throw new TemplateFault('slice step cannot be zero')
  return typeof base === 'string' ? out.join('') : out
}

function binary(op: string, left: Node, right: Node, vars: Vars): unknown {
  if (op === 'and') {
    const l = evalNode(left, vars)
    return truthy(l) ? evalNode(right, vars) : l
  }
  if (op === 'or') {
    const l = evalNode(left, vars)
    return truthy(l) ? l : evalNode(right, vars)
  }
  const a = evalNode(left, vars)
  const b = evalNode(right, vars)
  switch (op) {
    case '==':
      return deepEqual(a, b)
    case '!=':
      return !deepEqual(a, b)
    case '<':
      return compare(a, b, op) < 0
    case '<=':
      return compare(a, b, op) <= 0
    case '>':
      return compare(a, b, op) > 0
    case '>=':
      return compare(a, b, op) >= 0
    case 'in':
      return contains(b, a)
    case 'not in':
      return !contains(b, a)
    case '~':
      return toText(a) + toText(b)
    case '+':
      if (typeof a === 'number' && typeof b === 'number') return a + b
      if (typeof a === 'string' && typeof b === 'string') return a + b
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b]
      throw new TemplateFault(`cannot add a ${typeName(a)} and a ${typeName(b)}`, "Join text with '~': 'a' ~ 1.")
    case '*':
      if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b))
      if (Array.isArray(a) && typeof b === 'number') return Array.from({ length: Math.max(0, b) }, () => a).flat()
      break
    case '%':
      if (typeof a === 'string') return percentFormat(a, b)
      break
  }
  const f = ARITH[op]
  if (!f) throw new TemplateFault(`unsupported operator '${op}'`)
  const x = typeof a === 'boolean' ? Number(a) : a
  const y = typeof b === 'boolean' ? Number(b) : b
  if (typeof x !== 'number' || typeof y !== 'number') {
    throw new TemplateFault(`'${op}' needs two numbers, got a ${typeName(a)} and a ${typeName(b)}`, 'Convert with | int or | float.')
  }
  if (y === 0 && ['/', '//', '%'].includes(op)) throw new TemplateFault('division by zero')
  return f(x, y)
}

/** Python's `'%s-%d' % (a, b)`. */
function percentFormat(fmt: string, args: unknown): string {
  const list = Array.isArray(args) ? [...args] : [args]
  return fmt.replace(/%([-+0 #]*\d*(?:\.\d+)?)([sdifrx%])/g, (_m, _flags: string, conv: string) => {
    if (conv === '%') return '%'
    const v = list.shift()
    if (conv === 'd' || conv === 'i') return String(Math.trunc(Number(v)))
    if (conv === 'x') return Math.trunc(Number(v)).toString(16)
    return toText(v)
  })
}

function contains(container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item))
  if (typeof container === 'string') return typeof item === 'string' && container.includes(item)
  if (isMapping(container)) return Object.hasOwn(container, toText(item))
  throw new TemplateFault(`'in' needs a list, string or dict on its right, got a ${typeName(container)}`)
}

/** `x is [not] name` or `x is [not] name(args)`. */
function isTest(n: Node & { t: 'test' }, vars: Vars): boolean {
  const args = n.args.map((a) => evalNode(a, vars))
  let ok: boolean
  if (n.name === 'defined' || n.name === 'undefined') {
    ok = (lenient(n.subject, vars) !== undefined) === (n.name === 'defined')
  } else if (Object.hasOwn(tests, n.name)) {
    const kw = Object.fromEntries(Object.entries(n.kw).map(([k, v]) => [k, evalNode(v, vars)]))
    ok = runTest(n.name, evalNode(n.subject, vars), Object.keys(kw).length ? [...args, kw] : args)
  } else {
    throw new TemplateFault(`unknown test '${n.name}'.${didYouMean(n.name, ['defined', 'undefined', ...Object.keys(tests)])}`.replace(/\.$/, ''))
  }
  return n.negate ? !ok : ok
}

/** The value, or undefined when the variable (or a step of its path) is missing. */
export function lenient(n: Node, vars: Vars): unknown {
  try {
    return evalNode(n, vars)
  } catch (e) {
    if (e instanceof UndefinedVariable) return undefined
    throw e
  }
}

function kwargs(kw: Record<string, Node>, vars: Vars): Record<string, unknown> {
  return Object.fromEntries(Object.entries(kw).map(([k, v]) => [k, evalNode(v, vars)]))
}

function filter(n: Node & { t: 'filter' }, vars: Vars): unknown {
  if (!Object.hasOwn(filters, n.name)) {
    throw new TemplateFault(`unknown filter '${n.name}'.${didYouMean(n.name, Object.keys(filters))}`.replace(/\.$/, ''))
  }
  // default/mandatory exist to handle a missing subject.
  const subject = ['default', 'd', 'mandatory'].includes(n.name) ? lenient(n.subject, vars) : evalNode(n.subject, vars)
  const { args, kw } = callArgs(n.args, n.kw, vars)
  return callFilter(n.name, subject, args, kw)
}

function call(n: Node & { t: 'call' }, vars: Vars): unknown {
  const args = (): unknown[] => callArgs(n.args, n.kw, vars).args
  if (n.fn.t === 'name') {
    const name = n.fn.name
    const fn = Object.hasOwn(functions, name) ? functions[name]! : undefined
    if (fn) {
      const a = callArgs(n.args, n.kw, vars)
      return fn(vars, a.args, a.kw)
    }
    const isTestName = Object.hasOwn(tests, name) || name === 'defined' || name === 'undefined'
    const hint = isTestName ? `'${name}' is a test: write 'x is ${name}(...)'.` : `Functions: ${Object.keys(functions).join(', ')}.`
    throw new TemplateFault(`unknown function '${name}'`, hint)
  }
  if (n.fn.t === 'attr') {
    const subject = evalNode(n.fn.obj, vars)
    const m = Object.hasOwn(methods, n.fn.name) ? methods[n.fn.name]! : undefined
    if (!m) throw new TemplateFault(`unknown method .${n.fn.name}() on a ${typeName(subject)}`)
    return m(subject, ...args())
  }
  throw new TemplateFault('only functions and methods can be called')
}

/** The user's spelling of a path node, for error messages. */
function pathOf(n: Node): string[] {
  if (n.t === 'name') return [n.name]
  if (n.t === 'attr') return [...pathOf(n.obj), n.name]
  if (n.t === 'index' && n.key.t === 'lit') return [...pathOf(n.obj), toText(n.key.v)]
  return ['(…)']
}
