// lineinfile: make sure one line is in a file (replacing the line a regexp or search string
// finds) or that matching lines are gone, with exactly Ansible's choice of line and `changed`.
import { defineModule } from '../module.js'
import { absent, present, splitLines, type LineArgs } from './lineinfile-edit.js'
import { isSet } from './paths.js'
import { checkTextFile, gatherText, planText, textFileProps, type TextFileState } from './textfile.js'
import type { WriteArgs } from './write.js'

export interface LineInFileArgs extends LineArgs, WriteArgs {
  path: string
  state?: 'present' | 'absent'
  create?: boolean
}

const nullableString = (description: string, aliases?: string[]) => ({ type: ['string', 'null'], default: null, description, ...(aliases ? { aliases } : {}) })

export const lineinfile = defineModule<LineInFileArgs, TextFileState>({
  name: 'lineinfile',
  description: 'Make sure a particular line is in a file, or replace/remove lines matched by a regular expression.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      ...textFileProps,
      line: nullableString('The line to have in the file (state present); with backrefs it may use \\1 and \\g<name>.', ['value']),
      regexp: nullableString('Python-style regular expression: the last matching line is replaced (the first with firstmatch); with state absent every matching line is removed.', ['regex']),
      search_string: nullableString('Literal text instead of regexp: a line containing it is replaced (present) or removed (absent).'),
      insertafter: nullableString("Where a new line goes when nothing matched: 'EOF' (default), 'BOF', or after the last line matching this regular expression."),
      insertbefore: nullableString("Where a new line goes when nothing matched: 'BOF', or before the last line matching this regular expression."),
      backrefs: { type: 'boolean', default: false, description: 'Expand backreferences of the regexp match in line; when regexp does not match, the file is left alone.' },
      firstmatch: { type: 'boolean', default: false, description: 'Use the first line that matches regexp/search_string/insertafter/insertbefore instead of the last.' },
    },
  },
  example: [
    '- name: Listen on all interfaces',
    '  lineinfile:',
    '    path: /etc/postfix/main.cf',
    "    regexp: '^inet_interfaces\\s*='",
    "    line: 'inet_interfaces = all'",
  ].join('\n'),
  async gather(args, ctx) {
    return gatherText(args.path, ctx)
  },
  plan(args, st, ctx) {
    const state = args.state ?? 'present'
    if (isSet(args.regexp) && isSet(args.search_string)) return fail('parameters are mutually exclusive: regexp|search_string')
    if (args.backrefs && isSet(args.search_string)) return fail('parameters are mutually exclusive: backrefs|search_string')
    if (isSet(args.insertafter) && isSet(args.insertbefore)) return fail('parameters are mutually exclusive: insertbefore|insertafter')
    if (state === 'present' && args.backrefs && !isSet(args.regexp)) return fail('regexp is required with backrefs=true')
    if (state === 'present' && !isSet(args.line)) return fail('line is required with state=present')
    if (state === 'absent' && !isSet(args.line) && !isSet(args.regexp) && !isSet(args.search_string)) return fail('one of line, search_string, or regexp is required with state=absent')

    if (state === 'absent' && !st.file.exists) return { changes: [], reason: 'file not present' }
    const refused = checkTextFile(st, args.create)
    if (refused) return fail(refused)
    const text = st.file.content ?? ''
    let edit
    try {
      edit = state === 'present' ? present(splitLines(text), args) : absent(splitLines(text), args)
    } catch (e) {
      return fail((e as Error).message)
    }
    const unchanged = state === 'present' ? 'line already present' : 'no matching line to remove'
    // Ansible's lineinfile names the backup `backup` (the other file modules say `backup_file`).
    const plan = planText(st, args, ctx, edit.lines.join(''), edit.msg, unchanged, 'backup')
    plan.data = { path: args.path, ...emptyPatternWarning(args) }
    return plan
  },
})

function fail(msg: string) {
  return { changes: [], failed: msg }
}

/** Ansible warns (in `warnings`) that an empty regexp or search_string matches every line. */
function emptyPatternWarning(args: LineInFileArgs): { warnings?: string[] } {
  if (args.regexp !== '' && args.search_string !== '') return {}
  const what = args.regexp === '' ? 'regular expression' : 'search string'
  let msg = `The ${what} is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.`
  if (args.regexp === '') msg += " If this is desired, use '^' to match every line in the file and avoid this warning."
  return { warnings: [msg] }
}
