// Everything an expression can pipe into: the shared helpers, the test-applying filters, map,
// and Python string/dict methods (`x.startswith('a')` is rewritten to a pipe into `__m_startswith`).
import { getOwn, TemplateFault } from './failures.js'
import { helpers, type Helper } from './helpers.js'
import { testFilters } from './tests.js'
import { isMapping, typeName } from './values.js'

/** Prefix of the filters that stand for Python methods; never shown to the user. */
export const METHOD_PREFIX = '__m_'

function str(v: unknown, method: string): string {
  if (typeof v === 'string') return v
  throw new TemplateFault(`.${method}() needs a string, got a ${typeName(v)}`)
}

function dict(v: unknown, method: string): Record<string, unknown> {
  if (isMapping(v)) return v
  throw new TemplateFault(`.${method}() needs a dict, got a ${typeName(v)}`)
}

const methods: Record<string, Helper> = {
  startswith: (s, p) => str(s, 'startswith').startsWith(String(p)),
  endswith: (s, p) => str(s, 'endswith').endsWith(String(p)),
  strip: (s) => str(s, 'strip').trim(),
  lstrip: (s) => str(s, 'lstrip').trimStart(),
  rstrip: (s) => str(s, 'rstrip').trimEnd(),
  lower: (s) => str(s, 'lower').toLowerCase(),
  upper: (s) => str(s, 'upper').toUpperCase(),
  split: (s, sep) => helpers.split!(str(s, 'split'), sep),
  replace: (s, a, b) => str(s, 'replace').split(String(a)).join(String(b)),
  // Python spells it sep.join(list): the subject is the separator.
  join: (sep, list) => helpers.join!(list, str(sep, 'join')),
  keys: (d) => Object.keys(dict(d, 'keys')),
  values: (d) => Object.values(dict(d, 'values')),
  items: (d) => Object.entries(dict(d, 'items')),
  get: (d, k, fallback = null) => {
    const r = getOwn(dict(d, 'get'), String(k))
    return r.found ? r.value : fallback
  },
}

/** map('upper'), map('attribute', 'name') (written map(attribute='name')). */
function map(v: unknown, name: unknown, ...args: unknown[]): unknown[] {
  if (!Array.isArray(v)) throw new TemplateFault(`map expects a list, got a ${typeName(v)}`)
  if (name === 'attribute') {
    return v.map((item) => String(args[0]).split('.').reduce((cur: unknown, k) => getOwn(cur, k).value, item))
  }
  const f = Object.hasOwn(filters, String(name)) ? filters[String(name)] : undefined
  if (!f) throw new TemplateFault(`map: unknown filter '${String(name)}'`)
  return v.map((item) => f(item, ...args))
}

export const filters: Record<string, Helper> = {
  ...helpers,
  ...testFilters,
  d: helpers.default!,
  count: helpers.length!,
  map,
  ...Object.fromEntries(Object.entries(methods).map(([k, f]) => [METHOD_PREFIX + k, f])),
}
