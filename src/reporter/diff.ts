// Unified diffs of FileDiff before/after, headed `--- before: path` / `+++ after: path` like Ansible.
// The only file that imports `diff`.
import { createRequire } from 'node:module'
import type { FileDiff } from '../modules/module.js'
import type { Palette } from './paint.js'

// Loaded on the first diff shown (--diff): ~20 ms of start-up other runs never need. Its CommonJS
// build, so a synchronous require keeps formatting synchronous.
type DiffLib = typeof import('diff')
let diffLib: DiffLib | undefined
const loadDiff = (): DiffLib => (diffLib ??= createRequire(import.meta.url)('diff') as DiffLib)

/** The diff of one FileDiff, or '' when before and after are the same. */
export function formatDiff(d: FileDiff, p: Palette, context = 3): string {
  if (d.before === d.after) return ''
  // Headers are written by hand: the library would quote a name containing spaces ("before: x").
  const { createTwoFilesPatch, OMIT_HEADERS } = loadDiff()
  const body = createTwoFilesPatch(d.path, d.path, d.before, d.after, undefined, undefined, {
    context,
    headerOptions: OMIT_HEADERS,
  })
  const lines = body.replace(/\n$/, '').split('\n').map((line) => {
    if (line.startsWith('@@')) return p.hunk(line)
    if (line.startsWith('+')) return p.added(line)
    if (line.startsWith('-')) return p.removed(line)
    return line
  })
  return [p.removed(`--- before: ${d.path}`), p.added(`+++ after: ${d.path}`), ...lines].join('\n') + '\n'
}

export function formatDiffs(diffs: FileDiff[] | undefined, p: Palette): string {
  return (diffs ?? []).map((d) => formatDiff(d, p)).join('')
}
