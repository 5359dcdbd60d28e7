// Python regexes in templates (regex_search, regex_replace, `is match`), read by the one
// translator (src/util/pyregex.ts); a bad pattern is a TemplateFault at the template's line.
import { isPyRegexFailure, pyRegex, type PyRegexOptions } from '../util/pyregex.js'
import { TemplateFault } from './failures.js'

export { pyReplacement } from '../util/pyregex.js'

export function pyRegExp(pattern: string, opts: PyRegexOptions = {}): RegExp {
  const re = pyRegex(pattern, opts)
  if (isPyRegexFailure(re)) throw new TemplateFault(`invalid regular expression '${pattern}': ${re.error}`)
  return re
}
