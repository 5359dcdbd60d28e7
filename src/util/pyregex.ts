// The one reader of Python regular expressions (Ansible users write them in lineinfile, blockinfile,
// regex_search, `is match`...): the Python-only spellings become JavaScript's, and a bad pattern
// is a returned failure so each caller reports it in its own shape (module arg, template).

/** A pattern that could not be read, or a replacement naming a group that does not exist. */
export interface PyRegexFailure {
  error: string
}

export function isPyRegexFailure(v: unknown): v is PyRegexFailure {
  return typeof v === 'object' && v !== null && !(v instanceof RegExp) && typeof (v as PyRegexFailure).error === 'string'
}

export interface PyRegexOptions {
  /** JavaScript flags added to the pattern's own (g for replace-all, i for ignorecase). */
  flags?: string
  /** Match at the start only (Python's re.match). */
  anchored?: boolean
}

/** Compile a Python pattern: (?P<n>..), (?P=n), \A, \Z, leading inline flags (?imsx). */
export function pyRegex(pattern: string, opts: PyRegexOptions = {}): RegExp | PyRegexFailure {
  let rest = pattern
  let flags = opts.flags ?? ''
  const inline = /^\(\?([aiLmsux]+)\)/.exec(rest)
  if (inline) {
    rest = rest.slice(inline[0].length)
    for (const f of inline[1]!) if ('imsx'.includes(f)) flags += f
  }
  const verbose = flags.includes('x')
  let source = translate(rest, verbose)
  if (opts.anchored) source = `^(?:${source})`
  try {
    return new RegExp(source, [...new Set(flags.replace(/x/g, ''))].join(''))
  } catch (e) {
    return { error: (e as Error).message }
  }
}

/** Walk the pattern once, so escaped text (`\\A`) and character classes are left alone. */
function translate(p: string, verbose: boolean): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!
    if (c === '\\' && i + 1 < p.length) {
      const n = p[i + 1]!
      i++
      // \A and \Z mean the very start and end of the text, whatever the m flag says.
      if (!inClass && n === 'A') out += '(?<![\\s\\S])'
      else if (!inClass && n === 'Z') out += '(?![\\s\\S])'
      else out += c + n
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      out += c
      continue
    }
    if (c === '[') {
      inClass = true
      out += c
      // A ']' first in a class is a literal, in Python as in JavaScript.
      if (p[i + 1] === '^') out += p[++i]
      if (p[i + 1] === ']') out += '\\' + p[++i]
      continue
    }
    if (verbose && /\s/.test(c)) continue
    if (verbose && c === '#') {
      while (i + 1 < p.length && p[i + 1] !== '\n') i++
      continue
    }
    if (p.startsWith('(?P<', i)) {
      out += '(?<'
      i += 3
      continue
    }
    const backref = /^\(\?P=(\w+)\)/.exec(p.slice(i))
    if (backref) {
      out += `\\k<${backref[1]}>`
      i += backref[0].length - 1
      continue
    }
    out += c
  }
  return out
}

/** Python's `$` also matches before a final newline; JavaScript's does not, so lines are
 * searched without their line ending. */
export function searchLine(re: RegExp, line: string): RegExpExecArray | null {
  return re.exec(line.endsWith('\n') ? line.slice(0, -1) : line)
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' }

/** Python's match.expand(template): \1, \g<1>, \g<name> and escapes like \n. */
export function pyExpand(template: string, m: RegExpExecArray): string | PyRegexFailure {
  let bad: string | undefined
  const out = template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (all, g: string | undefined, d: string | undefined, c: string | undefined) => {
    if (g !== undefined) {
      const v = /^\d+$/.test(g) ? m[Number(g)] : m.groups?.[g]
      if (v === undefined && !(/^\d+$/.test(g) ? Number(g) < m.length : g in (m.groups ?? {}))) bad ??= g
      return v ?? ''
    }
    if (d !== undefined) {
      if (Number(d) >= m.length) bad ??= d
      return m[Number(d)] ?? ''
    }
    return ESCAPES[c!] ?? all
  })
  return bad === undefined ? out : { error: `invalid group reference ${bad}` }
}

/** Python replacement text (\1, \g<1>, \g<name>) as JavaScript's ($1, $<name>); $ stays literal. */
export function pyReplacement(repl: string): string {
  return repl
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\d+)>/g, '$$$1')
    .replace(/\\g<(\w+)>/g, '$$<$1>')
    .replace(/\\(\d+)/g, '$$$1')
}
