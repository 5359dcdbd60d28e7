// aliases_compare: compare another host's aliases file (its text, e.g. account_facts' aliases) with
// this host's, entry by entry (a "name: value" line and its indented continuation lines, names
// compared without case): the text merged (the other file as it is, plus this host's entries it
// lacks), and the other file's entries this host lacks. Reads only, so it runs in --check as in
// a real run; a copy or blockinfile task writes the result.
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'

export interface AliasesCompareArgs {
  content: string
  path: string
  source: string
}

export interface AliasesCompareState {
  /** This host's file, null when it does not exist. */
  text: string | null
}

export interface AliasEntry {
  name: string
  /** As written: the first line up to the colon. */
  written: string
  text: string
}

/** The entries of an aliases file; comments and blank lines end an entry and are left out. */
export function aliasEntries(text: string): AliasEntry[] {
  const out: AliasEntry[] = []
  let cur: AliasEntry | null = null
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  for (const line of lines) {
    if (/^[ \t]/.test(line) && cur) {
      cur.text += line + '\n'
      continue
    }
    cur = null
    const m = /^[^# \t][^:]*:/.exec(line)
    if (!m) continue
    const written = /^[^# \t][^:]*/.exec(line)![0]
    cur = { name: written.replace(/[ \t]*$/, '').toLowerCase(), written, text: line + '\n' }
    out.push(cur)
  }
  return out
}

/** Pure: the other file merged with this host's other entries, and what this host lacks. */
export function compareAliases(other: string, here: string | null, source: string, host: string): { merged: string; missing: string; missing_names: string[]; kept_names: string[] } {
  const mine = aliasEntries(here ?? '')
  const theirs = aliasEntries(other)
  const theirNames = new Set(theirs.map((e) => e.name))
  const myNames = new Set(mine.map((e) => e.name))
  const kept = mine.filter((e) => !theirNames.has(e.name))
  const lacking = theirs.filter((e) => !myNames.has(e.name))
  const base = other === '' || other.endsWith('\n') ? other : other + '\n'
  const merged = base + (kept.length ? `# kept from ${host} (not in the aliases of ${source})\n` + kept.map((e) => e.text).join('') : '')
  return { merged: merged.replace(/[\r\n]+$/, '') + '\n', missing: lacking.map((e) => e.text).join(''), missing_names: lacking.map((e) => e.written), kept_names: kept.map((e) => e.written) }
}

export const aliasesCompare = defineModule<AliasesCompareArgs, AliasesCompareState>({
  name: 'aliases_compare',
  description: "Compare another host's aliases file with this host's: the two merged (the other's entries win), and the other's entries this host lacks.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['content', 'source'],
    properties: {
      content: { type: 'string', description: "The other host's aliases file (text, e.g. account_facts' aliases after b64decode)." },
      path: { type: 'string', default: '/etc/aliases', description: "This host's aliases file; a missing file has no entries." },
      source: { type: 'string', minLength: 1, description: 'Name of the other host (in the header above the entries kept from this one).' },
    },
  },
  example: `- name: Old's aliases with new's other entries kept
  aliases_compare:
    content: "{{ b64decode plan.aliases }}"
    source: old
  register: aliases

- copy:
    content: "{{ aliases.merged }}"
    dest: /etc/aliases`,

  async gather(args, ctx) {
    const r = await read(ctx, sh`if [ -f ${args.path} ]; then echo present; cat -- ${args.path}; else echo missing; fi`, { what: `reading ${args.path}` })
    return { text: r.stdout.startsWith('present\n') ? r.stdout.slice('present\n'.length) : null }
  },

  plan(args, state, ctx) {
    const data = compareAliases(args.content, state.text, args.source, ctx.host)
    return {
      changes: [],
      data,
      reason: `${data.kept_names.length} entries of ${args.path} that ${args.source} lacks, ${data.missing_names.length} of ${args.source}'s that it lacks`,
    }
  },
})
