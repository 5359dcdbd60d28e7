// blockinfile: keep a block of lines between "# BEGIN/END ANSIBLE MANAGED BLOCK" markers in a
// file, inserted where Ansible would put it, or remove it (state absent).
import { defineModule } from '../module.js'
import { splitLines } from './lineinfile-edit.js'
import { isSet } from './paths.js'
import { pyRegex, searchLine } from './pyregex.js'
import { checkTextFile, gatherText, planText, textFileProps, type TextFileState } from './textfile.js'
import type { WriteArgs } from './write.js'

export interface BlockInFileArgs extends WriteArgs {
  path: string
  block?: string
  marker?: string
  marker_begin?: string
  marker_end?: string
  insertafter?: string | null
  insertbefore?: string | null
  state?: 'present' | 'absent'
  create?: boolean
}

export const blockinfile = defineModule<BlockInFileArgs, TextFileState>({
  name: 'blockinfile',
  description: 'Insert, update or remove a block of lines surrounded by marker lines.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      ...textFileProps,
      block: { type: 'string', default: '', aliases: ['content'], description: 'The text between the markers; empty removes the block like state absent.' },
      marker: { type: 'string', default: '# {mark} ANSIBLE MANAGED BLOCK', description: "Marker line template; '{mark}' becomes marker_begin or marker_end." },
      marker_begin: { type: 'string', default: 'BEGIN', description: "Replaces '{mark}' in the opening marker." },
      marker_end: { type: 'string', default: 'END', description: "Replaces '{mark}' in the closing marker." },
      insertafter: { type: ['string', 'null'], default: null, description: "Where a new block goes: 'EOF' (default) or after the last line matching this regular expression (EOF when none does)." },
      insertbefore: { type: ['string', 'null'], default: null, description: "Where a new block goes: 'BOF' or before the last line matching this regular expression (EOF when none does)." },
    },
  },
  example: [
    '- name: Relay networks',
    '  blockinfile:',
    '    path: /etc/postfix/main.cf',
    "    marker: '# {mark} tsplay relay'",
    '    block: |',
    '      mynetworks = 127.0.0.0/8 10.0.0.0/8',
  ].join('\n'),
  async gather(args, ctx) {
    return gatherText(args.path, ctx)
  },
  plan(args, st, ctx) {
    if (isSet(args.insertafter) && isSet(args.insertbefore)) return fail('parameters are mutually exclusive: insertbefore|insertafter')
    const refused = checkTextFile(st, args.create)
    if (refused) return fail(refused)
    const original = st.file.exists ? st.file.content ?? '' : undefined
    let result: { text: string; blockLines: number }
    try {
      result = editBlock(original ?? '', args)
    } catch (e) {
      return fail((e as Error).message)
    }
    const msg = original === result.text && st.file.exists ? '' : original === undefined ? 'File created' : result.blockLines ? 'Block inserted' : 'Block removed'
    const plan = planText(st, args, ctx, result.text, msg, (args.state ?? 'present') === 'present' ? 'block already present' : 'no block to remove')
    plan.data = { path: args.path }
    return plan
  },
})

function fail(msg: string) {
  return { changes: [], failed: msg }
}

/** Ansible's blockinfile main(): find both markers, drop the old block, insert the new one. */
export function editBlock(original: string, a: BlockInFileArgs): { text: string; blockLines: number } {
  const lines = splitLines(original)
  const marker = a.marker ?? '# {mark} ANSIBLE MANAGED BLOCK'
  const marker0 = marker.replaceAll('{mark}', a.marker_begin ?? 'BEGIN') + '\n'
  const marker1 = marker.replaceAll('{mark}', a.marker_end ?? 'END') + '\n'
  let insertafter = a.insertafter ?? undefined
  const insertbefore = a.insertbefore ?? undefined
  if (insertafter === undefined && insertbefore === undefined) insertafter = 'EOF'
  let insertre: RegExp | undefined
  if (insertafter !== undefined && insertafter !== 'EOF') insertre = pyRegex(insertafter, 'insertafter')
  else if (insertbefore !== undefined && insertbefore !== 'BOF') insertre = pyRegex(insertbefore, 'insertbefore')

  let block = a.block ?? ''
  let blocklines: string[] = []
  if ((a.state ?? 'present') === 'present' && block) {
    if (!block.endsWith('\n')) block += '\n'
    blocklines = [marker0, ...splitLines(block), marker1]
  }

  let n0 = -1
  let n1 = -1
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === marker0) n0 = i
    if (lines[i] === marker1) n1 = i
  }
  if (n0 === -1 || n1 === -1) {
    n0 = -1
    if (insertre?.flags.includes('m')) {
      // A (?m) pattern searches the whole file, so it may span lines; Ansible counts the line
      // breaks before the match's end (insertafter) or start (insertbefore).
      const m = new RegExp(insertre.source, insertre.flags.replace('g', '')).exec(original)
      if (m) n0 = countNewlines(original, insertafter !== undefined ? m.index + m[0].length : m.index)
      if (n0 === -1) n0 = lines.length
      else if (insertafter !== undefined) n0 += 1
    } else if (insertre) {
      for (let i = 0; i < lines.length; i++) if (searchLine(insertre, lines[i]!)) n0 = i
      if (n0 === -1) n0 = lines.length
      else if (insertafter !== undefined) n0 += 1
    } else if (insertbefore !== undefined) n0 = 0 // BOF
    else n0 = lines.length // EOF
  } else if (n0 < n1) lines.splice(n0, n1 - n0 + 1)
  else {
    lines.splice(n1, n0 - n1 + 1)
    n0 = n1
  }
  // The line before the block must end with a newline.
  if (n0 > 0 && !lines[n0 - 1]!.endsWith('\n')) lines[n0 - 1] += '\n'
  lines.splice(n0, 0, ...blocklines)
  return { text: lines.join(''), blockLines: blocklines.length }
}

function countNewlines(text: string, end: number): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++
  return n
}
