// Every secret known to a run (vault values, connection and become passwords), and the one
// function that hides them in text: reporters and the error printer pass everything through it.

export const MASK = '********'
/** Shorter values would mask ordinary words and numbers all over the output. */
export const MIN_SECRET_LENGTH = 4

export class SecretRegistry {
  private readonly values = new Set<string>()
  private pattern: RegExp | null = null

  /** Remember a secret: a string or number. Multi-line values also add each line, since
   * reporters print command output line by line with a prefix. */
  add(value: unknown): void {
    if (typeof value === 'number' || typeof value === 'bigint') value = String(value)
    if (typeof value !== 'string') return
    const forms = [value, value.trim(), ...value.split(/\r?\n/).map((l) => l.trim())]
    // JSON text (--json, debug's pretty print) shows quotes and newlines escaped.
    for (const f of [...forms]) forms.push(JSON.stringify(f).slice(1, -1))
    for (const f of forms) {
      if (f.length >= MIN_SECRET_LENGTH && !this.values.has(f)) {
        this.values.add(f)
        this.pattern = null
      }
    }
  }

  /** Remember every string and number inside a value (a whole encrypted vars file). */
  addAll(tree: unknown): void {
    walk(tree, (v) => this.add(v))
  }

  get size(): number {
    return this.values.size
  }

  /** `text` with every occurrence of a secret replaced by ********. */
  mask(text: string): string {
    if (this.values.size === 0 || text === '') return text
    return text.replace(this.regex(), MASK)
  }

  /** A copy of `value` with every string (keys too) masked; `value` itself when no secret is known. */
  maskDeep<T>(value: T): T {
    if (this.values.size === 0) return value
    // Most events hold no secret: look first (no allocation), copy only when something must go.
    const re = this.regex()
    const hit = (s: string) => {
      re.lastIndex = 0
      return re.test(s)
    }
    if (!anyString(value, hit, new Set())) return value
    return deep(value, (s) => this.mask(s), new Map()) as T
  }

  private regex(): RegExp {
    if (!this.pattern) {
      // Longest first, so a secret that contains another is hidden whole.
      const sorted = [...this.values].sort((a, b) => b.length - a.length)
      this.pattern = new RegExp(sorted.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g')
    }
    return this.pattern
  }
}

function walk(v: unknown, visit: (leaf: unknown) => void, seen = new Set<unknown>()): void {
  if (v === null || typeof v !== 'object') return visit(v)
  if (seen.has(v)) return
  seen.add(v)
  for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, visit, seen)
}

/** Whether any string (or key) in plain data satisfies `test`. */
function anyString(v: unknown, test: (s: string) => boolean, seen: Set<object>): boolean {
  if (typeof v === 'string') return test(v)
  if (v === null || typeof v !== 'object' || seen.has(v)) return false
  seen.add(v)
  if (Array.isArray(v)) return v.some((x) => anyString(x, test, seen))
  const proto = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null) return false
  for (const [k, x] of Object.entries(v)) if (test(k) || anyString(x, test, seen)) return true
  return false
}

function deep(v: unknown, mask: (s: string) => string, seen: Map<object, unknown>): unknown {
  if (typeof v === 'string') return mask(v)
  if (v === null || typeof v !== 'object') return v
  if (seen.has(v)) return seen.get(v)
  if (Array.isArray(v)) {
    const out: unknown[] = []
    seen.set(v, out)
    for (const x of v) out.push(deep(x, mask, seen))
    return out
  }
  // Only plain data is rewritten; class instances (Dates, Buffers) pass through untouched.
  const proto = Object.getPrototypeOf(v)
  if (proto !== Object.prototype && proto !== null) return v
  const out: Record<string, unknown> = {}
  seen.set(v, out)
  for (const [k, x] of Object.entries(v)) out[mask(k)] = deep(x, mask, seen)
  return out
}
