// `creates` / `removes` for command, shell and script: read whether the paths exist (one round
// trip), and say why the command did not run, in Ansible's words.
import { quote } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import type { ModuleContext, Plan } from '../module.js'

export interface GuardArgs {
  creates?: string
  removes?: string
  chdir?: string
}

export interface GuardState {
  createsExists?: boolean
  removesExists?: boolean
}

/** Schema properties shared by the modules that take creates/removes. */
export const guardProperties = {
  creates: { type: 'string', description: 'A path (or glob with * and ?): when it exists, the command is not run.' },
  removes: { type: 'string', description: 'A path (or glob with * and ?): when it does not exist, the command is not run.' },
} as const

/** Check the guard paths on the target; relative paths are relative to chdir. */
export async function gatherGuard(args: GuardArgs, ctx: ModuleContext): Promise<GuardState> {
  const paths = [args.creates, args.removes].filter((p): p is string => p !== undefined)
  if (paths.length === 0) return {}
  // e() prints 1 when any of its (glob-expanded) arguments exists, 0 otherwise.
  const fn = `e() { for f in "$@"; do { [ -e "$f" ] || [ -L "$f" ]; } && { echo 1; return; }; done; echo 0; }`
  const calls = paths.map((p) => `e ${globWord(p)}`).join('; ')
  const r = await ctx.conn.exec(`${fn}; ${calls}`, { cwd: args.chdir, become: ctx.become })
  const out = r.stdout.trim().split('\n')
  if (r.rc !== 0 || out.length !== paths.length) {
    throw new TsplayError(`Unable to check creates/removes${args.chdir ? ` in ${args.chdir}` : ''}: ${r.stderr.trim() || `exit code ${r.rc}`}`)
  }
  const state: GuardState = {}
  let i = 0
  if (args.creates !== undefined) state.createsExists = out[i++] === '1'
  if (args.removes !== undefined) state.removesExists = out[i++] === '1'
  return state
}

/** A no-change plan when a guard says the command must not run, else undefined. */
export function guardPlan(args: GuardArgs, state: GuardState, cmd: unknown): Plan | undefined {
  let path: string | undefined
  let verb = ''
  if (args.creates !== undefined && state.createsExists) [path, verb] = [args.creates, 'exists']
  else if (args.removes !== undefined && state.removesExists === false) [path, verb] = [args.removes, 'does not exist']
  if (path === undefined) return undefined
  const stdout = `skipped, since ${path} ${verb}`
  return {
    changes: [],
    reason: `Did not run command since '${path}' ${verb}`,
    data: { cmd, rc: 0, stdout, stderr: '', stdout_lines: [stdout], stderr_lines: [] },
  }
}

/**
 * One shell word in which only * and ? glob (and a leading ~/ means $HOME); everything else is
 * quoted, so no other shell syntax in the path can run.
 */
export function globWord(path: string): string {
  let rest = path
  let out = ''
  if (rest === '~' || rest.startsWith('~/')) {
    out = '"$HOME"'
    rest = rest.slice(1)
  }
  const parts = rest.split(/([*?]+)/)
  for (const p of parts) {
    if (p === '') continue
    out += /^[*?]+$/.test(p) ? p : quote(p)
  }
  return out === '' ? "''" : out
}
