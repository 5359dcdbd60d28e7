// Ansible's and Jinja's filters over lists, dicts and numbers (union, flatten, items2dict, sort,
// subelements, ...), written against Python's behaviour. Keyword arguments arrive as the last
// argument when it is a Kw (see filters.ts).
import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { yamlValue } from '../yaml/source.js'
import { getOwn, TemplateFault } from './failures.js'
import type { Helper } from './helpers.js'
import { pyRegExp } from './pyregex.js'
import { compare, deepEqual, isMapping, toText, truthy, typeName } from './values.js'

function list(v: unknown, filter: string): unknown[] {
  if (Array.isArray(v)) return v
  if (typeof v === 'string') return [...v]
  if (isMapping(v)) return Object.keys(v)
  throw new TemplateFault(`${filter} expects a list, got a ${typeName(v)}`)
}

function uniq(v: unknown[]): unknown[] {
  return v.filter((x, i, a) => a.findIndex((y) => deepEqual(x, y)) === i)
}

/** Keyword arguments of a filter whose positional parameters cannot hold them (combine(*dicts, recursive=True)). */
export class Kw {
  constructor(readonly values: Record<string, unknown>) {}
}

const has = (l: unknown[], x: unknown): boolean => l.some((y) => deepEqual(x, y))

/** `a.b.0` of an item; undefined when a step is missing. */
export function attrOf(item: unknown, attr: unknown): unknown {
  if (typeof attr === 'number') return getOwn(item, String(attr)).value
  return String(attr)
    .split('.')
    .reduce((cur: unknown, k) => getOwn(cur, k).value, item)
}

function flatten(v: unknown, levels?: unknown, depth = 0): unknown[] {
  const max = levels === undefined || levels === null ? Infinity : Number(levels)
  const out: unknown[] = []
  for (const x of list(v, 'flatten')) {
    if (Array.isArray(x) && depth < max) out.push(...flatten(x, levels, depth + 1))
    else if (x !== null && x !== undefined) out.push(x)
  }
  return out
}

function sortKey(x: unknown, attr: unknown, caseSensitive: boolean): unknown {
  const v = attr === undefined || attr === null ? x : attrOf(x, attr)
  return typeof v === 'string' && !caseSensitive ? v.toLowerCase() : v
}

function sort(v: unknown, reverse: unknown = false, caseSensitive: unknown = false, attribute?: unknown): unknown[] {
  const out = [...list(v, 'sort')].sort((a, b) => compare(sortKey(a, attribute, truthy(caseSensitive)), sortKey(b, attribute, truthy(caseSensitive)), 'sort'))
  return truthy(reverse) ? out.reverse() : out
}

function extreme(v: unknown, sign: number, attribute?: unknown): unknown {
  const l = list(v, sign > 0 ? 'max' : 'min')
  if (l.length === 0) return undefined
  return l.reduce((best, x) => (compare(sortKey(x, attribute, false), sortKey(best, attribute, false), 'min/max') * sign > 0 ? x : best))
}

function subelements(v: unknown, key: unknown, skipMissing: unknown = false): unknown[] {
  const items = Array.isArray(v) ? v : isMapping(v) ? Object.values(v) : list(v, 'subelements')
  const out: unknown[] = []
  for (const item of items) {
    const sub = attrOf(item, key)
    if (sub === undefined) {
      const skip = isMapping(skipMissing) ? truthy(skipMissing.skip_missing) : truthy(skipMissing)
      if (skip) continue
      throw new TemplateFault(`subelements: could not find '${toText(key)}' in an item`, 'Pass skip_missing=True to skip such items.')
    }
    if (!Array.isArray(sub)) throw new TemplateFault(`subelements: '${toText(key)}' is a ${typeName(sub)}, not a list`)
    for (const s of sub) out.push([item, s])
  }
  return out
}

function product(...lists: unknown[]): unknown[][] {
  return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((prefix) => list(l, 'product').map((x) => [...prefix, x])), [[]])
}

function zip(...lists: unknown[]): unknown[][] {
  const ls = lists.map((l) => list(l, 'zip'))
  const n = Math.min(...ls.map((l) => l.length))
  return Array.from({ length: n }, (_, i) => ls.map((l) => l[i]))
}

function zipLongest(...lists: unknown[]): unknown[][] {
  const ls = lists.map((l) => list(l, 'zip_longest'))
  const n = Math.max(0, ...ls.map((l) => l.length))
  return Array.from({ length: n }, (_, i) => ls.map((l) => (i < l.length ? l[i] : null)))
}

function combine(...args: unknown[]): Record<string, unknown> {
  const opts = args[args.length - 1] instanceof Kw ? (args.pop() as Kw).values : {}
  const recursive = truthy(opts.recursive)
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...a }
    for (const [k, v] of Object.entries(b)) out[k] = recursive && isMapping(out[k]) && isMapping(v) ? merge(out[k] as Record<string, unknown>, v) : v
    return out
  }
  return args.flat().reduce<Record<string, unknown>>((acc, d) => (isMapping(d) ? merge(acc, d) : acc), {})
}

function typeDebug(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType'
  if (Array.isArray(v)) return 'list'
  if (typeof v === 'object') return 'dict'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float'
  return 'str'
}

function hash(s: unknown, algo: unknown = 'sha1'): string {
  return createHash(String(algo)).update(toText(s)).digest('hex')
}

export const listFilters: Record<string, Helper> = {
  union: (a, b) => uniq([...list(a, 'union'), ...list(b, 'union')]),
  intersect: (a, b) => uniq(list(a, 'intersect').filter((x) => has(list(b, 'intersect'), x))),
  difference: (a, b) => uniq(list(a, 'difference').filter((x) => !has(list(b, 'difference'), x))),
  symmetric_difference: (a, b) => {
    const [x, y] = [list(a, 'symmetric_difference'), list(b, 'symmetric_difference')]
    return uniq([...x.filter((i) => !has(y, i)), ...y.filter((i) => !has(x, i))])
  },
  unique: (v) => uniq(list(v, 'unique')),
  flatten: (v, levels) => flatten(v, levels),
  sort,
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...list(v, 'reverse')].reverse()),
  min: (v, attribute) => extreme(v, -1, attribute),
  max: (v, attribute) => extreme(v, 1, attribute),
  sum: (v, attribute, start = 0) => list(v, 'sum').reduce((acc: number, x) => acc + Number(attribute === undefined || attribute === null ? x : attrOf(x, attribute)), Number(start)),
  abs: (v) => Math.abs(Number(v)),
  round: (v, precision = 0, method = 'common') => {
    const f = 10 ** Number(precision)
    const r = method === 'ceil' ? Math.ceil : method === 'floor' ? Math.floor : Math.round
    return r(Number(v) * f) / f
  },
  log: (v, base = Math.E) => Math.log(Number(v)) / Math.log(Number(base)),
  pow: (v, e) => Number(v) ** Number(e),
  root: (v, n = 2) => Number(v) ** (1 / Number(n)),
  range: (v) => Array.from({ length: Math.max(0, Number(v)) }, (_, i) => i),
  zip,
  zip_longest: zipLongest,
  product,
  subelements,
  combine,
  items2dict: (v, keyName = 'key', valueName = 'value') =>
    Object.fromEntries(list(v, 'items2dict').map((x) => [toText(attrOf(x, keyName)), attrOf(x, valueName)])),
  dict2items: (d, keyName = 'key', valueName = 'value') => Object.entries(isMapping(d) ? d : {}).map(([k, v]) => ({ [String(keyName)]: k, [String(valueName)]: v })),
  dict: (v) => Object.fromEntries(list(v, 'dict').map((p) => [toText((p as unknown[])[0]), (p as unknown[])[1]])),
  items: (d) => Object.entries(isMapping(d) ? d : {}),
  dictsort: (d) => Object.entries(isMapping(d) ? d : {}).sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
  batch: (v, n, fill?) => {
    const l = list(v, 'batch')
    const out: unknown[][] = []
    for (let i = 0; i < l.length; i += Number(n)) out.push(l.slice(i, i + Number(n)))
    const last = out[out.length - 1]
    if (fill !== undefined && last) while (last.length < Number(n)) last.push(fill)
    return out
  },
  extract: (key, container, morekeys?) => {
    let v = getOwn(container, toText(key)).value
    for (const k of Array.isArray(morekeys) ? morekeys : morekeys === undefined ? [] : [morekeys]) v = getOwn(v, toText(k)).value
    return v
  },
  type_debug: typeDebug,
  from_json: (s) => {
    try {
      return JSON.parse(toText(s))
    } catch (e) {
      throw new TemplateFault(`from_json could not parse its input: ${(e as Error).message}`)
    }
  },
  from_yaml: (s) => (typeof s === 'string' ? yamlValue(s) : s),
  regex_findall: (s, re, ignorecase = false, multiline = false) => {
    const flags = 'g' + (truthy(ignorecase) ? 'i' : '') + (truthy(multiline) ? 'm' : '')
    return [...toText(s).matchAll(pyRegExp(toText(re), { flags }))].map((m) => (m.length > 2 ? m.slice(1) : m.length === 2 ? m[1] : m[0]))
  },
  regex_escape: (s) => toText(s).replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
  hash,
  md5: (s) => hash(s, 'md5'),
  sha1: (s) => hash(s, 'sha1'),
  checksum: (s) => hash(s, 'sha1'),
  expanduser: (p) => toText(p).replace(/^~(?=\/|$)/, process.env.HOME ?? '~'),
  realpath: (p) => posix.resolve(toText(p)),
  splitext: (p) => {
    const ext = posix.extname(toText(p))
    return [toText(p).slice(0, toText(p).length - ext.length), ext]
  },
  path_join: (parts) => posix.join(...list(parts, 'path_join').map(toText)),
  title: (s) => toText(s).replace(/\w\S*/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  center: (s, width = 80) => {
    const t = toText(s)
    const pad = Math.max(0, Number(width) - t.length)
    return ' '.repeat(Math.floor(pad / 2)) + t + ' '.repeat(Math.ceil(pad / 2))
  },
  wordcount: (s) => toText(s).split(/\s+/).filter(Boolean).length,
  splitlines: (s) => toText(s).split(/\r?\n/).filter((l, i, a) => i < a.length - 1 || l !== ''),
  format: (fmt, ...args) => toText(fmt).replace(/%[sd]/g, () => toText(args.shift())),
  attr: (v, name) => getOwn(v, toText(name)).value,
  random: (v) => (Array.isArray(v) ? v[Math.floor(Math.random() * v.length)] : Math.floor(Math.random() * Number(v))),
  shuffle: (v) => [...list(v, 'shuffle')].sort(() => Math.random() - 0.5),
  pprint: (v) => JSON.stringify(v, null, 2),
  tojson: (v) => JSON.stringify(v ?? null),
}
