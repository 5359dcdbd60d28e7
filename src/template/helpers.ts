// The helpers of templates and the filters of expressions: one table, so `{{lower x}}` and
// `x | lower` cannot drift apart. Plain functions; render.ts and expressions.ts register them.
import { createHash } from 'node:crypto'
import { posix } from 'node:path'
import { quote as shellQuote } from '../connection/quote.js'
import { getOwn, TemplateFault } from './failures.js'
import { yamlText } from '../yaml/source.js'
import { pyRegExp, pyReplacement } from './pyregex.js'
import { compare, deepEqual, isMapping, toText, truthy, typeName } from './values.js'

export type Helper = (...args: unknown[]) => unknown

/** Text of a scalar; lists and dicts are refused rather than flattened into "a,b". */
function str(v: unknown, helper: string): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v === null || v === undefined) return ''
  throw new TemplateFault(`${helper} expects a string, got a ${typeName(v)}`)
}

function list(v: unknown, helper: string): unknown[] {
  if (Array.isArray(v)) return v
  throw new TemplateFault(`${helper} expects a list, got a ${typeName(v)}`)
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (!isMapping(v)) return v
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]))
}

/** Ansible's bool filter: yes/on/true/1 (any case) are true, everything else false. */
function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v === 1
  return typeof v === 'string' && ['yes', 'on', 'true', '1', 'y'].includes(v.trim().toLowerCase())
}

function toNumber(v: unknown, fallback: unknown, parse: (s: string) => number): unknown {
  const n = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : parse(String(v ?? ''))
  return Number.isNaN(n) ? fallback : n
}

function indent(text: unknown, width: unknown = 4, first: unknown = false): string {
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width))
  const lines = str(text, 'indent').split('\n')
  // Blank lines stay empty so indented YAML and configs carry no trailing spaces (Jinja's default).
  return lines.map((l, i) => ((i > 0 || truthy(first)) && l !== '' ? pad + l : l)).join('\n')
}

function lookup(kind: unknown, key: unknown, fallback?: unknown): unknown {
  if (kind === 'env') return process.env[str(key, 'lookup')] ?? fallback ?? ''
  if (typeof kind === 'string') {
    throw new TemplateFault(`lookup('${kind}') is not supported; only lookup('env', NAME) is`)
  }
  // Handlebars' own lookup(object, key), for keys computed at render time.
  return getOwn(kind, toText(key)).value
}

export const helpers: Record<string, Helper> = {
  default: (v, fallback = '', ifFalsy = false) =>
    v === undefined || (truthy(ifFalsy) && !truthy(v)) ? fallback : v,
  mandatory: (v, msg) => {
    if (v === undefined) throw new TemplateFault(toText(msg) || 'mandatory variable is not defined')
    return v
  },
  ternary: (cond, yes, no) => (truthy(cond) ? yes : no),
  eq: (a, b) => deepEqual(a, b),
  ne: (a, b) => !deepEqual(a, b),
  lt: (a, b) => compare(a, b, 'lt') < 0,
  gt: (a, b) => compare(a, b, 'gt') > 0,
  le: (a, b) => compare(a, b, 'le') <= 0,
  ge: (a, b) => compare(a, b, 'ge') >= 0,
  and: (...args) => args.every(truthy),
  or: (...args) => args.some(truthy),
  not: (v) => !truthy(v),
  lower: (s) => str(s, 'lower').toLowerCase(),
  upper: (s) => str(s, 'upper').toUpperCase(),
  capitalize: (s) => {
    const t = str(s, 'capitalize')
    return t.charAt(0).toUpperCase() + t.slice(1).toLowerCase()
  },
  trim: (s) => str(s, 'trim').trim(),
  concat: (...args) => args.map(toText).join(''),
  indent,
  to_yaml: (v) => yamlText(v),
  to_nice_yaml: (v) => yamlText(v, 4),
  to_json: (v) => JSON.stringify(v ?? null),
  to_nice_json: (v) => JSON.stringify(sortKeys(v ?? null), null, 4),
  json: (s) => {
    try {
      return JSON.parse(str(s, 'json'))
    } catch (e) {
      throw new TemplateFault(`json could not parse its input: ${(e as Error).message}`)
    }
  },
  quote: (v) => shellQuote(str(v, 'quote')),
  basename: (p) => posix.basename(str(p, 'basename')),
  dirname: (p) => posix.dirname(str(p, 'dirname')),
  length: (v) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length
    if (isMapping(v)) return Object.keys(v).length
    throw new TemplateFault(`length expects a string, list or dict, got a ${typeName(v)}`)
  },
  int: (v, fallback = 0) => toNumber(v, fallback, (s) => (/^\s*[-+]?\d/.test(s) ? parseInt(s, 10) : NaN)),
  float: (v, fallback = 0) => toNumber(v, fallback, (s) => (s.trim() === '' ? NaN : Number(s))),
  bool: toBool,
  string: (v) => toText(v),
  list: (v) => (Array.isArray(v) ? v : typeof v === 'string' ? [...v] : isMapping(v) ? Object.keys(v) : [v]),
  first: (v) => (typeof v === 'string' ? v[0] : list(v, 'first')[0]),
  last: (v) => (typeof v === 'string' ? v[v.length - 1] : list(v, 'last').at(-1)),
  join: (v, sep = '') => list(v, 'join').map(toText).join(toText(sep)),
  split: (s, sep) => (sep === undefined ? str(s, 'split').trim().split(/\s+/) : str(s, 'split').split(toText(sep))),
  replace: (s, from, to) => str(s, 'replace').split(toText(from)).join(toText(to)),
  regex_replace: (s, re, repl = '', ignorecase = false) =>
    str(s, 'regex_replace').replace(pyRegExp(str(re, 'regex_replace'), { flags: truthy(ignorecase) ? 'gi' : 'g' }), pyReplacement(toText(repl))),
  regex_search: (s, re, ignorecase = false) =>
    pyRegExp(str(re, 'regex_search'), { flags: truthy(ignorecase) ? 'i' : '' }).exec(str(s, 'regex_search'))?.[0] ?? null,
  b64encode: (s) => Buffer.from(str(s, 'b64encode'), 'utf8').toString('base64'),
  b64decode: (s) => Buffer.from(str(s, 'b64decode'), 'base64').toString('utf8'),
  sha256: (s) => createHash('sha256').update(str(s, 'sha256')).digest('hex'),
  unique: (v) => list(v, 'unique').filter((x, i, a) => a.findIndex((y) => deepEqual(x, y)) === i),
  combine: (...dicts) => Object.assign({}, ...dicts.map((d) => (isMapping(d) ? d : {}))),
  dict2items: (d) => Object.entries(isMapping(d) ? d : {}).map(([key, value]) => ({ key, value })),
  lookup,
}
