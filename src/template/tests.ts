// Jinja/Ansible tests (`x is defined`, `r is changed`, `v is version('2.3', '>=')`) and the
// filters that apply a test to each item (select, reject, selectattr, rejectattr).
import { existsSync, lstatSync, statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { getOwn, TemplateFault } from './failures.js'
import { pyRegExp } from './pyregex.js'
import { deepEqual, isMapping, truthy, typeName } from './values.js'

type Test = (value: unknown, ...args: unknown[]) => boolean

/** A registered task result: Ansible tests read its failed/changed/skipped keys. */
function result(v: unknown, test: string): Record<string, unknown> {
  if (isMapping(v)) return v
  throw new TemplateFault(
    `'is ${test}' expects a registered task result, got a ${typeName(v)}`,
    'Use it on a variable set by register:, e.g. `when: result is changed`.',
  )
}

function text(v: unknown, test: string): string {
  if (typeof v === 'string') return v
  throw new TemplateFault(`'is ${test}' expects a string, got a ${typeName(v)}`)
}

/** Dotted versions compared part by part, numerically where both parts are numbers. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.\-+]/)
  const pb = b.split(/[.\-+]/)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0'
    const y = pb[i] ?? '0'
    const d = /^\d+$/.test(x) && /^\d+$/.test(y) ? Number(x) - Number(y) : x.localeCompare(y)
    if (d !== 0) return Math.sign(d)
  }
  return 0
}

const VERSION_OPS: Record<string, (d: number) => boolean> = {
  '<': (d) => d < 0, lt: (d) => d < 0, '<=': (d) => d <= 0, le: (d) => d <= 0,
  '>': (d) => d > 0, gt: (d) => d > 0, '>=': (d) => d >= 0, ge: (d) => d >= 0,
  '==': (d) => d === 0, '=': (d) => d === 0, eq: (d) => d === 0,
  '!=': (d) => d !== 0, '<>': (d) => d !== 0, ne: (d) => d !== 0,
}

function version(v: unknown, other: unknown, op: unknown = 'eq'): boolean {
  const cmp = VERSION_OPS[String(op)]
  if (!cmp) throw new TemplateFault(`unknown version operator '${String(op)}'`, `Use one of ${Object.keys(VERSION_OPS).join(' ')}.`)
  return cmp(compareVersions(String(v), String(other)))
}

/** `defined` and `undefined` are handled by the evaluator: they must see a missing variable. */
export const tests: Record<string, Test> = {
  none: (v) => v === null || v === undefined,
  failed: (v) => truthy(result(v, 'failed').failed),
  succeeded: (v) => !truthy(result(v, 'succeeded').failed),
  success: (v) => !truthy(result(v, 'success').failed),
  successful: (v) => !truthy(result(v, 'successful').failed),
  changed: (v) => truthy(result(v, 'changed').changed),
  skipped: (v) => truthy(result(v, 'skipped').skipped),
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number',
  integer: (v) => Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  mapping: (v) => isMapping(v),
  // Jinja counts strings as sequences; `x is sequence and x is not string` is the list idiom.
  sequence: (v) => Array.isArray(v) || typeof v === 'string',
  iterable: (v) => Array.isArray(v) || typeof v === 'string' || isMapping(v),
  match: (v, re, ic) => pyRegExp(text(re, 'match'), { flags: truthy(ic) ? 'i' : '', anchored: true }).test(text(v, 'match')),
  search: (v, re, ic) => pyRegExp(text(re, 'search'), { flags: truthy(ic) ? 'i' : '' }).test(text(v, 'search')),
  regex: (v, re, ic) => pyRegExp(text(re, 'regex'), { flags: truthy(ic) ? 'i' : '' }).test(text(v, 'regex')),
  truthy: (v) => truthy(v),
  falsy: (v) => !truthy(v),
  even: (v) => Number(v) % 2 === 0,
  odd: (v) => Math.abs(Number(v) % 2) === 1,
  divisibleby: (v, n) => Number(v) % Number(n) === 0,
  equalto: (v, o) => deepEqual(v, o),
  eq: (v, o) => deepEqual(v, o),
  in: (v, seq) => (Array.isArray(seq) ? seq.some((x) => deepEqual(x, v)) : typeof seq === 'string' && seq.includes(String(v))),
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  version,
  version_compare: version,
  failure: (v) => truthy(result(v, 'failure').failed),
  change: (v) => truthy(result(v, 'change').changed),
  skip: (v) => truthy(result(v, 'skip').skipped),
  finished: (v) => !truthy(getOwn(v, 'finished').found) || truthy(getOwn(v, 'finished').value),
  true: (v) => v === true,
  false: (v) => v === false,
  any: (v) => Array.isArray(v) && v.some(truthy),
  all: (v) => Array.isArray(v) && v.every(truthy),
  subset: (v, of) => Array.isArray(v) && Array.isArray(of) && v.every((x) => of.some((y) => deepEqual(x, y))),
  superset: (v, of) => Array.isArray(v) && Array.isArray(of) && of.every((x) => v.some((y) => deepEqual(x, y))),
  contains: (v, x) => (Array.isArray(v) ? v.some((y) => deepEqual(x, y)) : typeof v === 'string' && v.includes(String(x))),
  sameas: (v, o) => v === o,
  ne: (v, o) => !deepEqual(v, o),
  gt: (v, o) => Number(v) > Number(o),
  ge: (v, o) => Number(v) >= Number(o),
  lt: (v, o) => Number(v) < Number(o),
  le: (v, o) => Number(v) <= Number(o),
  greaterthan: (v, o) => Number(v) > Number(o),
  lessthan: (v, o) => Number(v) < Number(o),
  callable: () => false,
  // Path tests look at the controller's filesystem, as Ansible's do.
  abs: (v) => isAbsolute(text(v, 'abs')),
  exists: (v) => existsSync(text(v, 'exists')),
  file: (v) => statIs(text(v, 'file'), (s) => s.isFile()),
  directory: (v) => statIs(text(v, 'directory'), (s) => s.isDirectory()),
  link: (v) => {
    try {
      return lstatSync(text(v, 'link')).isSymbolicLink()
    } catch {
      return false
    }
  },
  same_file: (v, o) => {
    try {
      const [a, b] = [statSync(text(v, 'same_file')), statSync(text(o, 'same_file'))]
      return a.ino === b.ino && a.dev === b.dev
    } catch {
      return false
    }
  },
}

function statIs(path: string, pred: (s: import('node:fs').Stats) => boolean): boolean {
  try {
    return pred(statSync(path))
  } catch {
    return false
  }
}

export function runTest(name: string, value: unknown, args: unknown[]): boolean {
  const test = Object.hasOwn(tests, name) ? tests[name] : undefined
  if (!test) throw new TemplateFault(`unknown test '${name}'`, `Tests: defined, undefined, ${Object.keys(tests).join(', ')}.`)
  return test(value, ...args)
}

function items(v: unknown, filter: string): unknown[] {
  if (Array.isArray(v)) return v
  throw new TemplateFault(`${filter} expects a list, got a ${typeName(v)}`)
}

function pick(item: unknown, attr: unknown): unknown {
  return String(attr).split('.').reduce((cur: unknown, k) => getOwn(cur, k).value, item)
}

/** `defined` on an attribute means "the item has it", which runTest cannot see. */
function attrTest(item: unknown, attr: unknown, test: unknown, args: unknown[]): boolean {
  const value = pick(item, attr)
  if (test === undefined) return truthy(value)
  if (test === 'defined') return value !== undefined
  if (test === 'undefined') return value === undefined
  return runTest(String(test), value, args)
}

export const testFilters: Record<string, (...args: unknown[]) => unknown> = {
  select: (v, test, ...args) => items(v, 'select').filter((x) => (test === undefined ? truthy(x) : runTest(String(test), x, args))),
  reject: (v, test, ...args) => items(v, 'reject').filter((x) => !(test === undefined ? truthy(x) : runTest(String(test), x, args))),
  selectattr: (v, attr, test, ...args) => items(v, 'selectattr').filter((x) => attrTest(x, attr, test, args)),
  rejectattr: (v, attr, test, ...args) => items(v, 'rejectattr').filter((x) => !attrTest(x, attr, test, args)),
}
