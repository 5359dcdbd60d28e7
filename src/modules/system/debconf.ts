// debconf: preseed one debconf answer (debconf-set-selections), changed only when it differs.
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { attrDiff, readState } from './common.js'

type VType = 'boolean' | 'error' | 'multiselect' | 'note' | 'password' | 'seen' | 'select' | 'string' | 'text' | 'title'

export interface DebconfArgs {
  name: string
  question: string
  vtype: VType
  value: string | number | boolean | string[]
  unseen: boolean
}

export interface DebconfState {
  /** The stored value; null when the question is not in the database. */
  value: string | null
}

// Reads the debconf database directly (debconf-get-selections needs debconf-utils, which
// Debian does not install by default). Passwords live in passwords.dat, root-only.
const AWK = `BEGIN { RS = ""; FS = "\\n" }
{ name = ""; val = ""; has = 0
  for (i = 1; i <= NF; i++) {
    if ($i ~ /^Name: /) name = substr($i, 7)
    if ($i ~ /^Value:/) { val = substr($i, 7); sub(/^ /, "", val); has = 1 }
  }
  if (name == ENVIRON["Q"]) { print "found"; if (has) print "value=" val }
}`

/** How debconf stores a value given in YAML: booleans as true/false, lists as "a, b". */
export function debconfValue(vtype: VType, v: DebconfArgs['value']): string {
  if (Array.isArray(v)) return v.join(', ')
  if (vtype === 'boolean') return /^(1|yes|true|on)$/i.test(String(v)) ? 'true' : 'false'
  return String(v)
}

function same(vtype: VType, a: string, b: string): boolean {
  if (vtype === 'multiselect') {
    const set = (s: string): string => s.split(',').map((x) => x.trim()).filter(Boolean).sort().join(', ')
    return set(a) === set(b)
  }
  return vtype === 'boolean' ? a.toLowerCase() === b.toLowerCase() : a === b
}

export const debconf = defineModule<DebconfArgs, DebconfState>({
  name: 'debconf',
  description: "Set a debconf answer (preseed a package's question), like debconf-set-selections.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'question', 'vtype'],
    properties: {
      name: { type: 'string', minLength: 1, aliases: ['pkg'], description: 'The package the question belongs to (its owner).' },
      question: { type: 'string', minLength: 1, aliases: ['selection', 'setting'], description: 'The question, like postfix/main_mailer_type.' },
      vtype: {
        enum: ['boolean', 'error', 'multiselect', 'note', 'password', 'seen', 'select', 'string', 'text', 'title'],
        description: 'Type of the answer.',
      },
      value: { type: ['string', 'number', 'boolean', 'array'], items: { type: 'string' }, default: '', aliases: ['answer'], description: 'The answer; a list for multiselect. Password values never appear in a diff.' },
      unseen: { type: 'boolean', default: false, description: 'Do not mark the question as seen (debconf-set-selections -u), so it is still asked interactively.' },
    },
  },
  example: `- name: Postfix installs without asking
  debconf:
    name: postfix
    question: postfix/main_mailer_type
    vtype: select
    value: Local only`,

  async gather(args, ctx) {
    const files = ['/var/cache/debconf/config.dat', ...(args.vtype === 'password' ? ['/var/cache/debconf/passwords.dat'] : [])]
    const script = sh`for f in ${files}; do [ -r "$f" ] && Q=${args.question} awk ${AWK} "$f"; done; exit 0`
    const out = await readState(ctx, script, `debconf question ${args.question}`)
    const lines = out.split('\n')
    if (!lines.includes('found')) return { value: null }
    // passwords.dat comes last, so its value wins over config.dat's empty one.
    const values = lines.filter((l) => l.startsWith('value=')).map((l) => l.slice(6))
    return { value: values.length ? values[values.length - 1]! : '' }
  },

  plan(args, state) {
    const value = debconfValue(args.vtype, args.value)
    if (/[\n\r]/.test(value) || /\s/.test(args.name) || /\s/.test(args.question)) {
      return { changes: [], failed: 'debconf names, questions and values must be one line (names and questions without blanks)' }
    }
    const secret = args.vtype === 'password'
    if (state.value !== null && same(args.vtype, state.value, value)) {
      return { changes: [], reason: `${args.question} is already ${secret ? 'set' : `'${value}'`}` }
    }
    const show = (v: string | null): Record<string, string> | null => (v === null ? null : { [args.question]: secret ? (v === value ? '(changed)' : '(set)') : v })
    return {
      // The line goes on stdin, so the value is never on a command line (passwords).
      changes: [{ kind: 'exec', cmd: args.unseen ? 'debconf-set-selections -u' : 'debconf-set-selections', stdin: `${args.name} ${args.question} ${args.vtype} ${value}\n` }],
      diff: [attrDiff(`debconf ${args.name}`, show(state.value), show(value))],
    }
  },
})
