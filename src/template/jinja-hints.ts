// Ansible users type Jinja out of habit. Spot the common forms and show the Handlebars line to
// write instead, so the error teaches the syntax rather than quoting a parser's token list.
import { TemplateFault } from './failures.js'

const BLOCK = /\{%-?\s*(if|elif|else|endif|for|endfor|set|raw|endraw|include|macro|block|filter)\b([^%]*)-?%\}/
const COMMENT = /\{#[\s\S]*?#\}/
const MUSTACHE = /\{\{(?![!#/>^])([\s\S]*?)\}\}/g

/** A TemplateFault for the first Jinja statement or comment in text, if there is one. */
export function jinjaStatement(text: string): TemplateFault | undefined {
  const block = BLOCK.exec(text)
  const comment = COMMENT.exec(text)
  const first = [block, comment].filter((m) => m !== null).sort((a, b) => a!.index - b!.index)[0]
  if (!first) return undefined
  const fault = new TemplateFault(
    `Jinja syntax '${first[0]}' in a Handlebars template`,
    `Templates are Handlebars: write ${statementHint(first === comment ? undefined : block!)}. See docs/templates.md.`,
  )
  fault.loc = lineCol(text, first.index)
  return fault
}

/** After a Handlebars parse error: a fault for the first mustache that looks like Jinja. */
export function jinjaExpression(text: string): TemplateFault | undefined {
  for (const m of text.matchAll(MUSTACHE)) {
    const hint = expressionHint(m[1]!.trim())
    if (hint === undefined) continue
    const fault = new TemplateFault(
      `Jinja expression '${m[0]}' in a Handlebars template`,
      `Templates are Handlebars: write ${hint} instead. See docs/templates.md.`,
    )
    fault.loc = lineCol(text, m.index)
    return fault
  }
  return undefined
}

function statementHint(m: RegExpExecArray | undefined): string {
  if (!m) return '{{!-- comment --}}'
  const arg = m[2]!.trim()
  switch (m[1]) {
    case 'if':
      return `{{#if ${helperForm(arg)}}} ... {{/if}}`
    case 'elif':
      return `{{else if ${helperForm(arg)}}}`
    case 'else':
      return '{{else}}'
    case 'endif':
      return '{{/if}}'
    case 'for': {
      const f = /^(\w+)\s+in\s+(.+)$/.exec(arg)
      return f ? `{{#each ${helperForm(f[2]!)} as |${f[1]}|}} ... {{/each}}` : '{{#each list as |item|}} ... {{/each}}'
    }
    case 'endfor':
      return '{{/each}}'
    case 'set':
      return 'the value in vars: (play, task or role vars) instead of {% set %}'
    default:
      return '#if / #each blocks; Jinja statements are not available'
  }
}

/** The Handlebars spelling of a Jinja expression, or undefined when it does not look like Jinja. */
function expressionHint(expr: string): string | undefined {
  if (/^\S+\s+as\s+\|/.test(expr)) return undefined
  const looksJinja = /\||\w\s*\(|~|==|!=|<=|>=|\[|\.\d|\s(if|and|or|is)\s/.test(expr)
  return looksJinja ? `{{${helperForm(expr)}}}` : undefined
}

/** `x | default('y') | upper` → `upper (default x "y")`; comparisons → `eq a b`. */
function helperForm(expr: string): string {
  const cmp = /^(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(expr)
  if (cmp && !expr.includes('|')) {
    const op = { '==': 'eq', '!=': 'ne', '<=': 'le', '>=': 'ge', '<': 'lt', '>': 'gt' }[cmp[2]!]
    return `${op} ${operand(cmp[1]!)} ${operand(cmp[3]!)}`
  }
  const [head, ...filters] = splitTop(expr, '|')
  let out = operand(head!)
  for (const f of filters) {
    const call = /^\s*(\w+)\s*(?:\((.*)\))?\s*$/s.exec(f)
    if (!call) return `helper ${out}`
    const args = call[2] ? splitTop(call[2], ',').map(operand) : []
    out = `${call[1]} ${[wrap(out), ...args].join(' ')}`.trim()
  }
  return out
}

/** One argument in Handlebars form: "double quotes", x.[0] for x[0] and x.0, true for True. */
function operand(raw: string): string {
  let s = raw.trim().replace(/^\w+\s*=\s*/, '')
  const method = /^([\w.]+)\.(\w+)\((.*)\)$/s.exec(s)
  if (method) return `(${[method[2], method[1], ...splitTop(method[3]!, ',').map(operand)].join(' ')})`
  if (/^'.*'$/s.test(s)) return JSON.stringify(s.slice(1, -1))
  if (s === 'True' || s === 'False') return s.toLowerCase()
  if (s === 'None' || s === 'none') return 'null'
  s = s.replace(/\[(\d+)\]|\.(\d+)\b/g, '.[$1$2]').replace(/\[['"]([^'"]+)['"]\]/g, '.[$1]')
  return s
}

function wrap(s: string): string {
  return /\s/.test(s) && !s.startsWith('(') ? `(${s})` : s
}

/** Split on sep outside quotes and brackets. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = []
  let depth = 0
  let quote = ''
  let cur = ''
  for (const ch of s) {
    if (quote) quote = ch === quote ? '' : quote
    else if (ch === "'" || ch === '"') quote = ch
    else if ('([{'.includes(ch)) depth++
    else if (')]}'.includes(ch)) depth--
    else if (ch === sep && depth === 0) {
      out.push(cur)
      cur = ''
      continue
    }
    cur += ch
  }
  out.push(cur)
  return out.map((x) => x.trim())
}

function lineCol(text: string, index: number): { line: number; col: number } {
  const before = text.slice(0, index)
  const line = before.split('\n').length
  return { line, col: index - before.lastIndexOf('\n') }
}
