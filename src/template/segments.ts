// How a YAML string with `{{ }}` is read (docs/templates.md, "How a {{ }} is read"): each `{{ ... }}`
// whose inside parses as a Jinja expression is one; the rest are Handlebars mustaches, so
// `{{ join users " " }}` keeps working. A string with Handlebars blocks ({{#if}}, {{/each}},
// {{else}}, {{! }}, {{{ }}}) stays Handlebars as a whole.
import { TemplateFault } from './failures.js'
import { parseExpression, type Node } from './jinja-parse.js'

export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'expr'; node: Node; line: number; col: number }
  | { kind: 'hbs'; source: string; fault: TemplateFault; line: number; col: number }

/** Handlebars-only openings: blocks, inverses, comments, raw, partials, whitespace control. */
// A `{` right after `{{` is a triple-stash; after a space it opens a Jinja dict (`{{ {'a': 1} }}`).
const HBS_ONLY = /\{\{~?\{|\{\{\s*[#/^!>~&]|\{\{~?\s*else\b|~\}\}/

/** True when the text is Handlebars as a whole (block helpers and friends). */
export function isHandlebarsProgram(text: string): boolean {
  return HBS_ONLY.test(text)
}

/** The end of the `{{` opened at `from` (index of its `}}`), skipping quoted strings and the
 * braces of dict literals (`{{ {'a': {'b': 1}} }}`); -1 if none. */
function closing(text: string, from: number): number {
  let quote = ''
  let depth = 0
  for (let i = from; i < text.length; i++) {
    const c = text[i]!
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = ''
    } else if (c === "'" || c === '"') quote = c
    else if (c === '{') depth++
    else if (c === '}' && depth > 0) depth--
    else if (c === '}' && text[i + 1] === '}') return i
  }
  return -1
}

function lineCol(text: string, at: number): { line: number; col: number } {
  const before = text.slice(0, at)
  const line = before.split('\n').length
  return { line, col: at - before.lastIndexOf('\n') }
}

/** Split text into literal text and `{{ }}` segments; undefined when a `{{` is never closed. */
export function splitSegments(text: string): Segment[] | undefined {
  const out: Segment[] = []
  let i = 0
  while (i < text.length) {
    const open = text.indexOf('{{', i)
    if (open < 0) break
    const close = closing(text, open + 2)
    if (close < 0) return undefined
    if (open > i) out.push({ kind: 'text', text: text.slice(i, open) })
    const inner = text.slice(open + 2, close)
    const { line, col } = lineCol(text, open)
    const parsed = parseExpression(inner.trim())
    if (parsed instanceof TemplateFault) out.push({ kind: 'hbs', source: text.slice(open, close + 2), fault: parsed, line, col })
    else out.push({ kind: 'expr', node: parsed, line, col })
    i = close + 2
  }
  if (i < text.length) out.push({ kind: 'text', text: text.slice(i) })
  return out
}
