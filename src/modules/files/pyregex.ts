// Python regexes in module args (lineinfile, blockinfile), read by the one translator
// (src/util/pyregex.ts); a bad pattern or group reference is an ArgError on that arg's line.
import { ArgError } from '../../errors.js'
import { isPyRegexFailure, pyExpand as expand, pyRegex as compile } from '../../util/pyregex.js'

export { searchLine } from '../../util/pyregex.js'

/** Compile the pattern given as `argName`. */
export function pyRegex(pattern: string, argName: string): RegExp {
  const re = compile(pattern)
  if (isPyRegexFailure(re)) throw new ArgError(argName, `${argName} is not a valid regular expression: ${re.error}`)
  return re
}

/** Python's match.expand() of the text given as `argName` (lineinfile's line with backrefs). */
export function pyExpand(template: string, m: RegExpExecArray, argName = 'line'): string {
  const out = expand(template, m)
  if (isPyRegexFailure(out)) throw new ArgError(argName, `${argName}: ${out.error}`)
  return out
}
