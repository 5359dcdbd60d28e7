// Ansible's inline `key=value` args (`copy: src=a dest='/b c'`), split the way Ansible's
// split_args does: on whitespace outside quotes and outside `{{ }}`, `{% %}` and `{# #}`.

interface Token {
  text: string
  start: number
  end: number
}

const OPEN: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' }

/** Words of `text` with their spans; quotes and Jinja blocks keep their inner whitespace. */
function tokens(text: string): Token[] {
  const out: Token[] = []
  let start = -1
  let quote = ''
  const jinja: string[] = []
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    const two = text.slice(i, i + 2)
    if (start < 0) {
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') continue
      start = i
    }
    if (ch === '\\' && quote) {
      i++ // an escaped character never closes a quote
    } else if (quote) {
      if (ch === quote) quote = ''
    } else if (two in OPEN) {
      jinja.push(OPEN[two]!)
      i++
    } else if (jinja.length && two === jinja[jinja.length - 1]) {
      jinja.pop()
      i++
    } else if (jinja.length) {
      if (ch === '"' || ch === "'") quote = ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      out.push({ text: text.slice(start, i), start, end: i })
      start = -1
    }
  }
  if (start >= 0) out.push({ text: text.slice(start), start, end: text.length })
  return out
}

const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' }

/** Python's escapes as Ansible's parse_kv decodes them in a key=value word, quoted or not
 * (so `regexp=\b` is a backspace and `regexp=\\b` a word boundary). No octal escapes. */
function decodeEscapes(s: string): string {
  return s.replace(/\\(?:U([0-9a-fA-F]{8})|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|(["'\\abfnrtv]))/g, (_all, u8?: string, u4?: string, x2?: string, c?: string) =>
    c !== undefined ? ESCAPES[c]! : String.fromCodePoint(parseInt((u8 ?? u4 ?? x2)!, 16)),
  )
}

/** Surrounding quotes removed, as Ansible's unquote (one pair, not an escaped closing one). */
function unquote(v: string): string {
  return /^(["']).*\1$/s.test(v) && v.length >= 2 && v[v.length - 2] !== '\\' ? v.slice(1, -1) : v
}

/** Remove the spans from text; a span alone on its line takes the whole line with it. */
function cut(text: string, spans: Token[]): string {
  let out = text
  for (const s of [...spans].reverse()) {
    const lineStart = out.lastIndexOf('\n', s.start - 1) + 1
    const nl = out.indexOf('\n', s.end)
    const lineEnd = nl < 0 ? out.length : nl
    if (out.slice(lineStart, s.start).trim() === '' && out.slice(s.end, lineEnd).trim() === '') {
      out = out.slice(0, lineStart) + out.slice(nl < 0 ? lineEnd : lineEnd + 1)
      continue
    }
    let end = s.end
    while (out[end] === ' ' || out[end] === '\t') end++
    let start = s.start
    if (end === lineEnd) while (start > lineStart && (out[start - 1] === ' ' || out[start - 1] === '\t')) start--
    out = out.slice(0, start) + out.slice(end)
  }
  return out
}

/**
 * Pull `key=value` pairs whose key `accept`s out of `text`; the rest stays as free text, exactly
 * as written (line breaks and spacing kept), so `creates=/x` on its own line of a multi-line
 * `shell:` is an argument and the script around it is unchanged.
 */
export function splitKv(text: string, accept: (key: string) => boolean): { args: Record<string, string>; rest: string } {
  const args: Record<string, string> = {}
  const taken: Token[] = []
  for (const t of tokens(text)) {
    // A key may be a template (`set_fact: "{{ name }}={{ value }}"`), as Ansible's parse_kv
    // takes whatever precedes the first `=`; the module that gets it renders it.
    const m = /^((?:[A-Za-z_]|\{\{[^={}]*\}\})(?:[A-Za-z0-9_-]|\{\{[^={}]*\}\})*)=(.*)$/s.exec(decodeEscapes(t.text))
    if (m && accept(m[1]!)) {
      args[m[1]!] = unquote(m[2]!)
      taken.push(t)
    }
  }
  if (!taken.length) return { args, rest: text.includes('\n') ? text : text.trim() }
  return { args, rest: cut(text, taken).trim() }
}
