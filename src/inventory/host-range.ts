// Ansible's host ranges in inventory names: `mail[01:03].example.com`, `db-[a:c]`, `n[0:10:2]`.
import { ParseError, type SourcePos } from '../errors.js'

const RANGE = /^(.*?)\[([0-9]+|[a-z]):([0-9]+|[a-z])(?::([0-9]+))?\](.*)$/i

/** Every name a host key stands for, in order; a key without a range stands for itself. */
export function expandHostRange(key: string, pos?: SourcePos): string[] {
  const m = RANGE.exec(key)
  if (!m) {
    // `mx[01:]`, `mx[a:3x]`: meant as a range but not one (an IPv6 literal `[::1]` starts with '[').
    if (/^[^[]+\[[^\]]*:[^\]]*\]/.test(key)) {
      throw new ParseError(`host range '${key}' is not a valid range`, { pos, hint: 'A range is [start:end] or [start:end:step] with numbers (leading zeros keep the width) or single letters, as in mx[01:03].' })
    }
    return [key]
  }
  const [, head = '', from = '', to = '', stepText, tail = ''] = m
  const step = stepText === undefined ? 1 : Number(stepText)
  const bad = (why: string): never => {
    throw new ParseError(`host range '${key}' ${why}`, {
      pos,
      hint: 'A range is [start:end] or [start:end:step] with numbers (leading zeros keep the width) or single letters, start <= end.',
    })
  }
  if (step < 1) bad('has a step below 1')
  const numeric = /^[0-9]+$/.test(from)
  if (numeric !== /^[0-9]+$/.test(to)) bad('mixes a number and a letter')
  const start = numeric ? Number(from) : from.charCodeAt(0)
  const end = numeric ? Number(to) : to.charCodeAt(0)
  if (start > end) bad('starts after it ends')
  // Zero padding: `[01:10]` gives 01..10, as Ansible does.
  const width = numeric && from.startsWith('0') ? from.length : 0
  const names: string[] = []
  for (let i = start; i <= end; i += step) {
    const part = numeric ? String(i).padStart(width, '0') : String.fromCharCode(i)
    // The tail may hold another range: expand it too.
    for (const rest of expandHostRange(tail, pos)) names.push(`${head}${part}${rest}`)
  }
  return names
}
