// Ansible users write Python regular expressions; translate the few spellings JavaScript lacks
// so a pattern copied from a playbook behaves the same here.
import { TemplateFault } from './failures.js'

/** Compile a Python-style pattern: (?P<n>...) groups and a leading (?i)/(?m)/(?s) flag group. */
export function pyRegExp(pattern: string, flags = ''): RegExp {
  let source = pattern.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
  const inline = /^\(\?([imsx]+)\)/.exec(source)
  if (inline) {
    source = source.slice(inline[0].length)
    flags += inline[1]!.replace(/x/g, '')
  }
  try {
    return new RegExp(source, [...new Set(flags)].join(''))
  } catch (e) {
    throw new TemplateFault(`invalid regular expression '${pattern}': ${(e as Error).message}`)
  }
}

/** Python replacement text (\1, \g<1>, \g<name>) as JavaScript's ($1, $<name>); $ stays literal. */
export function pyReplacement(repl: string): string {
  return repl
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\d+)>/g, '$$$1')
    .replace(/\\g<(\w+)>/g, '$$<$1>')
    .replace(/\\(\d+)/g, '$$$1')
}
