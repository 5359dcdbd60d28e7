// Everything an expression can pipe into: the shared helpers, the list/dict filters, the
// test-applying filters, map, and the Python methods (`x.startswith('a')`). Keyword arguments
// (`default(omit)`, `map(attribute='n')`, `regex_replace(ignorecase=True)`) are placed by name.
import { getOwn, TemplateFault } from './failures.js'
import { helpers, type Helper } from './helpers.js'
import { attrOf, Kw, listFilters } from './list-filters.js'
import { testFilters } from './tests.js'
import { isMapping, toText, typeName } from './values.js'

function str(v: unknown, method: string): string {
  if (typeof v === 'string') return v
  throw new TemplateFault(`.${method}() needs a string, got a ${typeName(v)}`)
}

function dict(v: unknown, method: string): Record<string, unknown> {
  if (isMapping(v)) return v
  throw new TemplateFault(`.${method}() needs a dict, got a ${typeName(v)}`)
}

/** Python's str, dict and list methods, called as `x.name(...)`. */
export const methods: Record<string, Helper> = {
  startswith: (s, p) => (Array.isArray(p) ? p.some((x) => str(s, 'startswith').startsWith(String(x))) : str(s, 'startswith').startsWith(String(p))),
  endswith: (s, p) => (Array.isArray(p) ? p.some((x) => str(s, 'endswith').endsWith(String(x))) : str(s, 'endswith').endsWith(String(p))),
  strip: (s, chars) => (chars === undefined ? str(s, 'strip').trim() : trimChars(str(s, 'strip'), String(chars), true, true)),
  lstrip: (s, chars) => (chars === undefined ? str(s, 'lstrip').trimStart() : trimChars(str(s, 'lstrip'), String(chars), true, false)),
  rstrip: (s, chars) => (chars === undefined ? str(s, 'rstrip').trimEnd() : trimChars(str(s, 'rstrip'), String(chars), false, true)),
  lower: (s) => str(s, 'lower').toLowerCase(),
  upper: (s) => str(s, 'upper').toUpperCase(),
  capitalize: (s) => helpers.capitalize!(s),
  title: (s) => listFilters.title!(s),
  split: (s, sep, max) => {
    const parts = helpers.split!(str(s, 'split'), sep) as string[]
    if (max === undefined || Number(max) < 0 || parts.length <= Number(max) + 1) return parts
    return [...parts.slice(0, Number(max)), parts.slice(Number(max)).join(toText(sep))]
  },
  splitlines: (s) => listFilters.splitlines!(s),
  replace: (s, a, b) => str(s, 'replace').split(String(a)).join(String(b)),
  find: (s, sub) => str(s, 'find').indexOf(String(sub)),
  count: (s, sub) => (Array.isArray(s) ? s.filter((x) => x === sub).length : str(s, 'count').split(String(sub)).length - 1),
  isdigit: (s) => /^\d+$/.test(str(s, 'isdigit')),
  format: (s, ...args) => str(s, 'format').replace(/\{(\d*)\}/g, (_m, i: string) => toText(i === '' ? args.shift() : args[Number(i)])),
  // Python spells it sep.join(list): the subject is the separator.
  join: (sep, list) => helpers.join!(list, str(sep, 'join')),
  keys: (d) => Object.keys(dict(d, 'keys')),
  values: (d) => Object.values(dict(d, 'values')),
  items: (d) => Object.entries(dict(d, 'items')),
  get: (d, k, fallback = null) => {
    const r = getOwn(dict(d, 'get'), String(k))
    return r.found ? r.value : fallback
  },
  index: (l, x) => (Array.isArray(l) ? l.indexOf(x) : str(l, 'index').indexOf(String(x))),
}

function trimChars(s: string, chars: string, left: boolean, right: boolean): string {
  let a = 0
  let b = s.length
  while (left && a < b && chars.includes(s[a]!)) a++
  while (right && b > a && chars.includes(s[b - 1]!)) b--
  return s.slice(a, b)
}

/** map('upper'), map(attribute='name', default=x), map('regex_replace', 'a', 'b'). */
function map(v: unknown, ...rest: unknown[]): unknown[] {
  if (!Array.isArray(v)) throw new TemplateFault(`map expects a list, got a ${typeName(v)}`)
  const kw = rest[rest.length - 1] instanceof Kw ? (rest.pop() as Kw).values : {}
  const [name, ...args] = rest
  if (name === 'attribute' && !Object.hasOwn(kw, 'attribute')) kw.attribute = args[0]
  if (Object.hasOwn(kw, 'attribute')) {
    return v.map((item) => attrOf(item, kw.attribute) ?? (Object.hasOwn(kw, 'default') ? kw.default : undefined))
  }
  const f = Object.hasOwn(filters, String(name)) ? filters[String(name)] : undefined
  if (!f) throw new TemplateFault(`map: unknown filter '${String(name)}'`)
  return v.map((item) => f(item, ...args))
}

export const filters: Record<string, Helper> = {
  ...helpers,
  ...listFilters,
  ...testFilters,
  d: helpers.default!,
  count: helpers.length!,
  map,
}

/** Parameter names after the subject, so keyword arguments land in their positions. */
const PARAMS: Record<string, string[]> = {
  default: ['default_value', 'boolean'],
  d: ['default_value', 'boolean'],
  regex_replace: ['regex', 'replace', 'ignorecase', 'multiline'],
  regex_search: ['regex', 'ignorecase', 'multiline'],
  regex_findall: ['regex', 'ignorecase', 'multiline'],
  sort: ['reverse', 'case_sensitive', 'attribute'],
  unique: ['case_sensitive', 'attribute'],
  min: ['attribute'],
  max: ['attribute'],
  sum: ['attribute', 'start'],
  round: ['precision', 'method'],
  int: ['default', 'base'],
  float: ['default'],
  join: ['d'],
  indent: ['width', 'first', 'blank'],
  items2dict: ['key_name', 'value_name'],
  dict2items: ['key_name', 'value_name'],
  subelements: ['subelements', 'skip_missing'],
  flatten: ['levels'],
  to_nice_json: ['indent'],
  to_json: ['indent'],
  ternary: ['true_val', 'false_val', 'none_val'],
  mandatory: ['msg'],
  batch: ['linecount', 'fill_with'],
  split: ['sep'],
}

/** Apply a filter with positional and keyword arguments. */
export function callFilter(name: string, subject: unknown, args: unknown[], kw: Record<string, unknown>): unknown {
  const f = filters[name]!
  const names = Object.keys(kw)
  if (names.length === 0) return f(subject, ...args)
  const params = PARAMS[name]
  if (!params) return f(subject, ...args, new Kw(kw))
  const slots = [...args]
  for (const k of names) {
    const i = params.indexOf(k)
    if (i < 0) throw new TemplateFault(`filter '${name}' has no argument '${k}'`, `Its arguments: ${params.join(', ')}.`)
    while (slots.length < i) slots.push(undefined)
    slots[i] = kw[k]
  }
  return f(subject, ...slots)
}
