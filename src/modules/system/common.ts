// Shared by the system modules: one read-only gather script per call, its sectioned output,
// and before/after attribute diffs.
import { TsplayError } from '../../errors.js'
import type { FileDiff, ModuleContext } from '../module.js'
import { read } from '../read.js'

/** Marker line the gather scripts print between sections; no command output looks like it. */
export const SECTION = '@@tsplay-section@@'

/** Run a read-only gather script (built with sh``) and return stdout; a failure is a TsplayError. */
export async function readState(ctx: ModuleContext, script: string, what: string, stdin?: string): Promise<string> {
  return (await read(ctx, script, { stdin, what: `reading ${what}` })).stdout
}

/** Split output printed as `echo SECTION` separated parts. */
export function sections(out: string, count: number): string[] {
  const parts = out.split(`${SECTION}\n`)
  while (parts.length < count) parts.push('')
  return parts
}

/** A diff of attributes, one `key: value` line each; null means "does not exist". */
export function attrDiff(path: string, before: Record<string, string> | null, after: Record<string, string> | null): FileDiff {
  const text = (a: Record<string, string> | null): string =>
    a === null ? '' : Object.entries(a).map(([k, v]) => `${k}: ${v}\n`).join('')
  return { path, before: text(before), after: text(after) }
}

/** Lines of a colon-separated database (passwd, group, shadow) as fields. */
export function colonRows(text: string): string[][] {
  return text.split('\n').filter((l) => l !== '').map((l) => l.split(':'))
}
