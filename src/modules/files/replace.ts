// replace: replace every match of a Python regular expression in a file (multiline mode, as
// Ansible's re.subn), optionally only between `after` and `before`.
import { defineModule, type Plan } from '../module.js'
import { isPyRegexFailure, pyExpand, pyRegex } from '../../util/pyregex.js'
import { gatherText, planText, textFileProps, type TextFileState } from './textfile.js'
import type { WriteArgs } from './write.js'

export interface ReplaceArgs extends WriteArgs {
  path: string
  regexp: string
  replace: string
  after?: string | null
  before?: string | null
}

const { path, backup, owner, group, mode, validate } = textFileProps

export const replace = defineModule<ReplaceArgs, TextFileState>({
  name: 'replace',
  description: 'Replace all matches of a regular expression in a file, as Ansible does.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'regexp'],
    properties: {
      path,
      regexp: { type: 'string', description: 'Python regular expression, matched in multiline mode (^ and $ at each line).' },
      replace: { type: 'string', default: '', description: 'The replacement; \\1, \\g<1> and \\g<name> insert groups.' },
      after: { type: ['string', 'null'], default: null, description: 'Only replace after the first match of this expression (dot matches newlines).' },
      before: { type: ['string', 'null'], default: null, description: 'Only replace before the last match of this expression (dot matches newlines).' },
      backup,
      owner,
      group,
      mode,
      validate,
    },
  },
  example: ['- name: Old relay host out', '  replace:', '    path: /etc/postfix/main.cf', "    regexp: '^relayhost = .*$'", "    replace: 'relayhost = [smtp.example.org]:587'"].join('\n'),
  gather: (args, ctx) => gatherText(args.path, ctx),
  plan(args, st, ctx) {
    const f = st.file
    if (!f.exists) return fail(`Path ${args.path} does not exist !`)
    if (f.type === 'directory') return fail(`Path ${args.path} is a directory !`)
    if (f.content === undefined) return fail(`Cannot read ${args.path}`)
    const contents = f.content
    let [start, end] = [0, contents.length]
    const { after, before } = args
    if (after || before) {
      // Ansible's section pattern: after(?P<subsection>.*?)before, with DOTALL.
      const pattern = after && before ? `${after}(?P<subsection>.*?)${before}` : after ? `${after}(?P<subsection>.*)` : `(?P<subsection>.*)${before}`
      const section = pyRegex(pattern, { flags: 'sd' })
      if (isPyRegexFailure(section)) return fail(section.error)
      const m = section.exec(contents)
      if (!m) return { changes: [], reason: `Pattern for before/after params did not match the given file: ${pattern}` }
      ;[start, end] = subsection(m)
    }
    const re = pyRegex(args.regexp, { flags: 'gm' })
    if (isPyRegexFailure(re)) return fail(re.error)
    const section = contents.slice(start, end)
    let out = ''
    let last = 0
    let count = 0
    for (const m of section.matchAll(re)) {
      const r = pyExpand(args.replace, m as RegExpExecArray)
      if (isPyRegexFailure(r)) return fail(r.error)
      out += section.slice(last, m.index) + r
      last = m.index! + m[0].length
      count++
    }
    const replaced = out + section.slice(last)
    if (count === 0 || replaced === section) return { changes: [], reason: 'no replacements made', data: { msg: '' } }
    const msg = `${count} replacements made`
    return planText(st, args, ctx, contents.slice(0, start) + replaced + contents.slice(end), msg, '')
  },
})

/** Start and end of the named group `subsection` (the d flag gives group offsets). */
function subsection(m: RegExpExecArray): [number, number] {
  const indices = (m as RegExpExecArray & { indices?: { groups?: Record<string, [number, number]> } }).indices
  return indices!.groups!.subsection!
}

function fail(msg: string): Plan {
  return { changes: [], failed: msg }
}
