// Turning the loose shapes Ansible accepts (yes/no, a string or a list, "a,b" tags) into the
// strict shapes of types.ts, before the JSON schema checks the rest.
import type { SourceFile } from '../yaml/source.js'
import { valuePos, type Path } from './at.js'
import type { Condition } from './types.js'
import { checkExpression } from '../template/expressions.js'

const TRUE = new Set(['yes', 'true', 'on', 'y'])
const FALSE = new Set(['no', 'false', 'off', 'n'])

/** YAML 1.2 reads `become: yes` as a string; Ansible users write it anyway, so accept it. */
export function coerceBools(value: Record<string, unknown>, keys: Iterable<string>): void {
  for (const key of keys) {
    const v = value[key]
    if (typeof v !== 'string') continue
    const low = v.trim().toLowerCase()
    if (TRUE.has(low)) value[key] = true
    else if (FALSE.has(low)) value[key] = false
  }
}

/** `when: x`, `when: [a, b]`, `when: true` → one Condition per item, each with its position. */
export function toConditions(src: SourceFile, path: Path, key: string, v: unknown): Condition[] {
  if (v === undefined || v === null) return []
  const conds = Array.isArray(v)
    ? v.map((item, i) => ({ expr: conditionExpr(item), pos: valuePos(src, [...path, key], i) }))
    : [{ expr: conditionExpr(v), pos: valuePos(src, path, key) }]
  for (const c of conds) if (typeof c.expr === 'string') checkExpression(c.expr, c.pos)
  return conds
}

function conditionExpr(v: unknown): string | boolean {
  return typeof v === 'boolean' ? v : String(v)
}

/** `tags: a`, `tags: "a,b"`, `tags: [a, 1]` → ['a', 'b'] / ['a', '1']. */
export function toTags(v: unknown): string[] {
  if (v === undefined || v === null) return []
  const items = Array.isArray(v) ? v : String(v).split(',')
  return items.map((t) => String(t).trim()).filter((t) => t !== '')
}

/** `notify: h` or `notify: [h1, h2]` → list of strings. */
export function toStrings(v: unknown): string[] {
  if (v === undefined || v === null) return []
  return (Array.isArray(v) ? v : [v]).map(String)
}

/** Merge tag lists keeping the first occurrence's order. */
export function mergeTags(...lists: string[][]): string[] {
  return [...new Set(lists.flat())]
}

/** Environment values may be numbers in YAML; the shell only knows strings. */
export function toEnvironment(v: unknown): Record<string, string> | string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  const out: Record<string, string> = {}
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) out[k] = val === null ? '' : String(val)
  return out
}
