// Ansible's lineinfile/blockinfile take Python regular expressions; this maps the Python-only
// syntax to JavaScript and implements Python's match.expand() for backrefs.

/** Compile a Python-flavoured pattern; throws an Error naming the argument when invalid. */
export function pyRegex(pattern: string, argName: string): RegExp {
  let src = pattern
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$')
  // Python inline flags at the start, e.g. (?i).
  let flags = ''
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src)
  if (inline) {
    src = src.slice(inline[0].length)
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f
  }
  try {
    return new RegExp(src, flags)
  } catch (e) {
    throw new Error(`${argName} is not a valid regular expression: ${(e as Error).message}`)
  }
}

/** Python's `$` also matches before a final newline; JavaScript's does not, so lines are
 * searched without their line ending. */
export function searchLine(re: RegExp, line: string): RegExpExecArray | null {
  return re.exec(line.endsWith('\n') ? line.slice(0, -1) : line)
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' }

/** Python's match.expand(template): \1, \g<1>, \g<name> and escapes like \n. */
export function pyExpand(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/gs, (all, g: string | undefined, d: string | undefined, c: string | undefined) => {
    if (g !== undefined) {
      const v = /^\d+$/.test(g) ? m[Number(g)] : m.groups?.[g]
      if (v === undefined && !(/^\d+$/.test(g) ? Number(g) < m.length : g in (m.groups ?? {}))) throw new Error(`invalid group reference ${g}`)
      return v ?? ''
    }
    if (d !== undefined) {
      if (Number(d) >= m.length) throw new Error(`invalid group reference ${d}`)
      return m[Number(d)] ?? ''
    }
    return ESCAPES[c!] ?? all
  })
}
