// Python-flavoured value semantics shared by templates and expressions, so `{{#if x}}` and
// `when: x` agree on what is true and `==` compares lists and dicts by content, as in Jinja.
import { TemplateFault } from './failures.js'

/** Python truthiness: empty strings, lists and dicts are false; so are 0, None and undefined. */
export function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0
  if (v !== null && typeof v === 'object') return Object.keys(v).length > 0
  return Boolean(v)
}

/** Structural equality without type coercion ('1' == 1 is false, as in Python). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    return (a === null || a === undefined) && (b === null || b === undefined)
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  const rb = b as Record<string, unknown>
  return ka.every((k) => Object.hasOwn(rb, k) && deepEqual((a as Record<string, unknown>)[k], rb[k]))
}

/** A dict in the Jinja sense: a plain object, not a list and not null. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** The type name used in error messages, in the words an Ansible user knows. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'none'
  if (Array.isArray(v)) return 'list'
  if (typeof v === 'object') return 'dict'
  return typeof v
}

/**
 * How a value prints inside a larger string. Lists and dicts print as compact JSON rather
 * than JavaScript's "a,b" / "[object Object]", so a template can never emit either by accident.
 */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'object') return JSON.stringify(v)
  return String(v)
}

/** Python ordering: numbers with numbers, text with text; anything else is an error, not a silent false. */
export function compare(a: unknown, b: unknown, op: string): number {
  const num = (v: unknown): unknown => (typeof v === 'boolean' ? Number(v) : v)
  const x = num(a)
  const y = num(b)
  const bothNumbers = typeof x === 'number' && typeof y === 'number'
  const bothStrings = typeof x === 'string' && typeof y === 'string'
  if (!bothNumbers && !bothStrings) {
    throw new TemplateFault(
      `cannot compare a ${typeName(a)} with a ${typeName(b)} using ${op}`,
      'Convert one side first, e.g. x | int (expressions) or (int x) (templates).',
    )
  }
  return x === y ? 0 : (x as number) < (y as number) ? -1 : 1
}
