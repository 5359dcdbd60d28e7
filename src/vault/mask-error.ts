// An error about to be printed must not carry a secret either (a template error quoting a value).
import type { SecretRegistry } from './secrets.js'

/** Mask the message, hint and stack of `e` in place and return it (its class and exit code stay). */
export function maskError(e: unknown, secrets: SecretRegistry): unknown {
  if (!(e instanceof Error) || secrets.size === 0) return e
  const w = e as Error & { hint?: string }
  w.message = secrets.mask(w.message)
  if (w.stack) w.stack = secrets.mask(w.stack)
  // `hint` is readonly for callers; rewriting it here is the one sanctioned exception.
  if (typeof w.hint === 'string') Object.defineProperty(w, 'hint', { value: secrets.mask(w.hint) })
  return e
}
