// The pure text edit of lineinfile, following Ansible's present()/absent() step by step so the
// same line is replaced, inserted or removed, and `changed` comes out the same.
import { pyExpand, pyRegex, searchLine } from './pyregex.js'

export interface LineArgs {
  line?: string | null
  regexp?: string | null
  search_string?: string | null
  insertafter?: string | null
  insertbefore?: string | null
  backrefs?: boolean
  firstmatch?: boolean
}

export interface EditResult {
  lines: string[]
  changed: boolean
  msg: string
}

/** Lines with their '\n', as Python's readlines() on a binary file. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

const rstrip = (l: string) => l.replace(/[\r\n]+$/, '')
const endsWithNewline = (l: string) => l.endsWith('\n') || l.endsWith('\r')

export function present(input: string[], a: LineArgs): EditResult {
  const lines = [...input]
  const line = a.line ?? ''
  const bre = a.regexp != null ? pyRegex(a.regexp, 'regexp') : undefined
  const insertafter = a.insertafter ?? undefined
  const insertbefore = a.insertbefore ?? undefined
  let breIns: RegExp | undefined
  if (insertafter !== undefined && insertafter !== 'BOF' && insertafter !== 'EOF') breIns = pyRegex(insertafter, 'insertafter')
  else if (insertbefore !== undefined && insertbefore !== 'BOF') breIns = pyRegex(insertbefore, 'insertbefore')

  // index[0]: line that regexp/search_string (or the exact line) matched; index[1]: insert point.
  const index = [-1, -1]
  let match: RegExpExecArray | boolean | null = null
  let exactLineMatch = false

  if (bre) {
    for (let i = 0; i < lines.length; i++) {
      const m = searchLine(bre, lines[i]!)
      if (m) {
        index[0] = i
        match = m
        if (a.firstmatch) break
      }
    }
  }
  if (a.search_string != null) {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.includes(a.search_string)) {
        index[0] = i
        match = true
        if (a.firstmatch) break
      }
    }
  }
  if (!match) {
    for (let i = 0; i < lines.length; i++) {
      if (line === rstrip(lines[i]!)) {
        index[0] = i
        exactLineMatch = true
      } else if (breIns && searchLine(breIns, lines[i]!)) {
        if (insertafter) {
          index[1] = i + 1
          if (a.firstmatch) break
        }
        if (insertbefore) {
          index[1] = i
          if (a.firstmatch) break
        }
      }
    }
  }

  const added = (): EditResult => ({ lines, changed: true, msg: 'line added' })
  const same = (): EditResult => ({ lines, changed: false, msg: '' })
  if (index[0] !== -1) {
    let newLine = a.backrefs && match && typeof match !== 'boolean' ? pyExpand(line, match) : line
    if (!newLine.endsWith('\n')) newLine += '\n'
    if (a.regexp == null && a.search_string == null && !match && !exactLineMatch) {
      // Unreachable in Ansible too (index[0] is only set with a match); kept for fidelity.
      return same()
    }
    if (lines[index[0]!] !== newLine) {
      lines[index[0]!] = newLine
      return { lines, changed: true, msg: 'line replaced' }
    }
    return same()
  }
  if (a.backrefs) return same() // without a match the backrefs cannot be filled in
  if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(line + '\n')
    return added()
  }
  if (insertafter === 'EOF' || index[1] === -1) {
    if (lines.length && !endsWithNewline(lines[lines.length - 1]!)) lines.push('\n')
    lines.push(line + '\n')
    return added()
  }
  if (insertafter && index[1] !== -1) {
    if (lines.length === index[1]) {
      if (rstrip(lines[index[1]! - 1]!) !== line) {
        lines.push(line + '\n')
        return added()
      }
      return same()
    }
    if (line !== rstrip(lines[index[1]!]!)) {
      lines.splice(index[1]!, 0, line + '\n')
      return added()
    }
    return same()
  }
  lines.splice(index[1]!, 0, line + '\n')
  return added()
}

export function absent(input: string[], a: LineArgs): EditResult {
  const bre = a.regexp != null ? pyRegex(a.regexp, 'regexp') : undefined
  let found = 0
  const lines = input.filter((l) => {
    const hit = bre ? searchLine(bre, l) !== null : a.search_string != null ? l.includes(a.search_string) : a.line === rstrip(l)
    if (hit) found++
    return !hit
  })
  return { lines, changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '' }
}
