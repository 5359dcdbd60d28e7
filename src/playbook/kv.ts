// Ansible's inline `key=value` args (`copy: src=a dest='/b c'`), split the way a shell would.

/** Split on spaces outside quotes; quotes are kept so the free-form text can be rebuilt. */
function tokens(text: string): string[] {
  const out: string[] = []
  let cur = ''
  let quote = ''
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = ''
      cur += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      cur += ch
    } else if (ch === ' ' || ch === '\t' || ch === '\n') {
      if (cur) out.push(cur)
      cur = ''
    } else cur += ch
  }
  if (cur) out.push(cur)
  return out
}

function unquote(v: string): string {
  return /^(["']).*\1$/s.test(v) ? v.slice(1, -1) : v
}

/**
 * Pull `key=value` pairs whose key `accept`s out of `text`; the rest stays as free text.
 * A `{{ }}` expression is never split, so `msg={{ a ~ ' ' ~ b }}` stays whole only when quoted.
 */
export function splitKv(text: string, accept: (key: string) => boolean): { args: Record<string, string>; rest: string } {
  const args: Record<string, string> = {}
  const rest: string[] = []
  for (const t of tokens(text)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(t)
    if (m && accept(m[1]!)) args[m[1]!] = unquote(m[2]!)
    else rest.push(t)
  }
  return { args, rest: rest.join(' ') }
}
