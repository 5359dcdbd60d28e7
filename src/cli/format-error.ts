// How an expected error reads: one message, where it is, the offending line, what to do.
import { readFileSync } from 'node:fs'
import { formatPos, type TsplayError } from '../errors.js'
import { lineText } from '../yaml/source.js'

export function formatError(e: TsplayError): string {
  const lines = [`ERROR! ${e.message}`]
  if (e.pos) {
    lines.push('', `The error appears to be in '${formatPos(e.pos)}'.`)
    let text: string | undefined
    try {
      text = lineText(readFileSync(e.pos.file, 'utf8'), e.pos.line)
    } catch {
      text = undefined
    }
    if (text !== undefined && text.trim() !== '') {
      lines.push('The offending line appears to be:', '', `  ${text}`, `  ${' '.repeat(Math.max(0, e.pos.col - 1))}^ here`)
    }
  }
  if (e.hint) lines.push('', e.hint)
  return lines.join('\n') + '\n'
}
