// Failure signals thrown while walking a template or an expression. They carry no position:
// the public entry points (render.ts, expressions.ts) turn them into a TemplateError at the
// caller's SourcePos, so the walkers stay free of file bookkeeping.
import { closest } from '../util/suggest.js'

/** Where inside the template text a failure happened (1-based), set by the walker. */
export interface InnerLoc {
  line: number
  col: number
}

/** A variable, attribute or index that does not exist; `path` is what the user wrote. */
export class UndefinedVariable extends Error {
  loc?: InnerLoc
  constructor(
    readonly path: string,
    readonly suggestion?: string,
  ) {
    super(`undefined variable '${path}'${suggestion ? `. Did you mean '${suggestion}'?` : ''}`)
  }
}

/** Any other expected failure: bad helper argument, unknown filter, type mismatch. */
export class TemplateFault extends Error {
  loc?: InnerLoc
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}

/**
 * The error for `segments` being missing, where `segments[last]` was not found among `keys`.
 * The suggestion repeats the whole path so the user can paste it ('item.name', not 'name').
 */
export function undefinedPath(segments: readonly string[], keys: Iterable<string>): UndefinedVariable {
  const path = joinPath(segments)
  const last = segments[segments.length - 1] ?? ''
  const near = closest(last, keys)
  const suggestion = near === undefined ? undefined : joinPath([...segments.slice(0, -1), near])
  return new UndefinedVariable(path, suggestion)
}

/**
 * a.b[0]['odd key'] — the way a user would write the path. A first segment such as '@root',
 * 'this', '../' or '(…)' is a prefix the user typed (or an unnamed value) and is kept as is.
 */
export function joinPath(segments: readonly string[]): string {
  let out = ''
  segments.forEach((s, i) => {
    if (i === 0 && /^(@|this$|\.\.\/|\()/.test(s)) out = s
    else if (/^\d+$/.test(s)) out += `[${s}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out === '' || out.endsWith('/') ? s : `.${s}`
    else out += `['${s.replace(/'/g, "\\'")}']`
  })
  return out
}

/** Own keys only: templates must never reach a prototype (`constructor`, `__proto__`). */
export function ownKeys(value: unknown): string[] {
  return value !== null && typeof value === 'object' ? Object.keys(value) : []
}

/** Own-property lookup; `found` is false for a missing key or a non-object. */
export function getOwn(value: unknown, key: string): { found: boolean; value: unknown } {
  if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) {
    return { found: false, value: undefined }
  }
  return { found: true, value: (value as Record<string, unknown>)[key] }
}
