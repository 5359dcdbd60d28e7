// Splits a command line into words the way a POSIX shell (and Python's shlex) would, without
// expanding anything: `command: echo "a b" $HOME` runs echo with the words `a b` and `$HOME`.
import { ArgError } from '../../errors.js'

/** `arg` names the task argument the line came from, for the error of an unclosed quote. */
export function shlexSplit(line: string, arg = 'cmd', what = 'command'): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let i = 0
  while (i < line.length) {
    const ch = line[i]!
    if (ch === "'") {
      const end = line.indexOf("'", i + 1)
      if (end < 0) throw new ArgError(arg, `No closing quotation in ${what}: ${line}`)
      word += line.slice(i + 1, end)
      inWord = true
      i = end + 1
    } else if (ch === '"') {
      i++
      for (;;) {
        if (i >= line.length) throw new ArgError(arg, `No closing quotation in ${what}: ${line}`)
        const c = line[i]!
        if (c === '"') break
        // Inside double quotes a backslash only escapes these (POSIX).
        if (c === '\\' && i + 1 < line.length && '\\"$`\n'.includes(line[i + 1]!)) {
          word += line[i + 1]
          i += 2
        } else {
          word += c
          i++
        }
      }
      inWord = true
      i++
    } else if (ch === '\\') {
      if (i + 1 < line.length && line[i + 1] !== '\n') word += line[i + 1]
      inWord = true
      i += 2
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
      i++
    } else {
      word += ch
      inWord = true
      i++
    }
  }
  if (inWord) words.push(word)
  return words
}
