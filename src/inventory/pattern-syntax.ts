// Parsing Ansible host patterns: `web:db`, `web,db`, `mail:&site_a`, `all:!old`, `web*`,
// `~mx\d+`, `web[0]`, `web[1:3]`. Matching them against an inventory is patterns.ts.
import { OptionsError, ParseError, type SourcePos } from '../errors.js'
import { globMatcher, isGlob } from './glob.js'

export interface PatternTerm {
  /** Union, intersection (`&`) or exclusion (`!`). */
  op: 'or' | 'and' | 'not'
  /** The term as written, without its operator. */
  text: string
  match: { kind: 'all' } | { kind: 'name'; name: string } | { kind: 'test'; test: (name: string) => boolean }
  /** `[n]` picks one host of the match, `[a:b]` a range (both ends included, as in Ansible). */
  subscript?: { start: number; end?: number; single: boolean }
}

/** Where a pattern came from, for errors: a playbook position, or the command-line option. */
export interface PatternOrigin {
  pos?: SourcePos
  /** e.g. '--limit'; used when there is no position. */
  option?: string
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)[:-]([0-9]*))\]$/
// An IPv6 address would be cut apart by the colon separator; Ansible keeps it whole.
const IPV6 = /^(?=.*::|(?:[^:]*:){7})[0-9a-f:.]+$/i

function fail(origin: PatternOrigin, message: string, hint: string): never {
  if (origin.pos) throw new ParseError(message, { pos: origin.pos, hint })
  throw new OptionsError(origin.option ? `${origin.option}: ${message}` : message, { hint })
}

/** Split into written terms: on commas when there are any, else on colons outside brackets. */
export function splitPattern(pattern: string): string[] {
  const pieces = pattern.includes(',') ? pattern.split(',') : [pattern]
  const out: string[] = []
  for (const piece of pieces) {
    const p = piece.trim()
    // With commas, a regex may contain colons; Ansible keeps comma-separated terms whole.
    if (p.startsWith('~') || IPV6.test(p) || (pattern.includes(',') && p.startsWith('!~'))) out.push(p)
    else out.push(...splitColons(p))
  }
  return out.map((p) => p.trim()).filter((p) => p !== '')
}

function splitColons(p: string): string[] {
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of p) {
    if (ch === '[') depth++
    if (ch === ']') depth = Math.max(0, depth - 1)
    if (ch === ':' && depth === 0) {
      parts.push(cur)
      cur = ''
    } else cur += ch
  }
  parts.push(cur)
  return parts
}

/** Parse a pattern (or a play's list of them) into terms in evaluation order. */
export function parsePattern(pattern: string | readonly string[], origin: PatternOrigin = {}): PatternTerm[] {
  const written = (typeof pattern === 'string' ? [pattern] : pattern).flatMap((p) => splitPattern(String(p)))
  if (written.length === 0) fail(origin, 'the host pattern is empty', "Name a group or host, or use 'all'.")
  const full = typeof pattern === 'string' ? pattern : pattern.join(',')
  const terms = written.map((w) => parseTerm(w, full, origin))
  // Ansible's order: unions first, then intersections, then exclusions, wherever they were written;
  // only `&`/`!` terms mean "starting from all".
  const ors = terms.filter((t) => t.op === 'or')
  const start: PatternTerm[] = ors.length ? ors : [{ op: 'or', text: 'all', match: { kind: 'all' } }]
  return [...start, ...terms.filter((t) => t.op === 'and'), ...terms.filter((t) => t.op === 'not')]
}

function parseTerm(written: string, full: string, origin: PatternOrigin): PatternTerm {
  const op = written[0] === '&' ? 'and' : written[0] === '!' ? 'not' : 'or'
  let text = (op === 'or' ? written : written.slice(1)).trim()
  if (text === '') {
    fail(origin, `host pattern '${full}' has nothing after '${written[0]}'`, `Follow '${written[0]}' with a group or host name, as in 'mail:${written[0]}site_a'.`)
  }
  const term: PatternTerm = { op, text, match: { kind: 'all' } }
  const sub = SUBSCRIPT.exec(text)
  if (sub && !text.startsWith('~')) {
    text = sub[1]!
    term.subscript = sub[2] !== undefined ? { start: Number(sub[2]), single: true } : { start: Number(sub[3]), end: sub[4] === '' ? undefined : Number(sub[4]), single: false }
  }
  if (text === 'all' || text === '*') term.match = { kind: 'all' }
  else if (text.startsWith('~')) term.match = { kind: 'test', test: regexTest(text.slice(1), full, origin) }
  else if (isGlob(text)) term.match = { kind: 'test', test: globMatcher(text) }
  else term.match = { kind: 'name', name: text }
  return term
}

function regexTest(source: string, full: string, origin: PatternOrigin): (name: string) => boolean {
  if (source === '') fail(origin, `host pattern '${full}' has no regular expression after '~'`, "Write a regular expression after '~', as in '~mx[0-9]+'.")
  try {
    // Anchored at the start only, like Python's re.match that Ansible uses.
    const re = new RegExp(`^(?:${source})`)
    return (name) => re.test(name)
  } catch (e) {
    return fail(origin, `host pattern '${full}' holds an invalid regular expression: ${(e as Error).message.split(': ').pop()}`, 'Check the brackets and parentheses; with commas between terms a regex may also contain colons.')
  }
}
