// `creates` / `removes` for command, shell and script: read whether the paths exist (one round
// trip), and say why the command did not run, in Ansible's words.
import { quote } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import type { ExecResult } from '../../connection/connection.js'
import type { ModuleContext, Plan, PlanContext } from '../module.js'
import { read } from '../read.js'

export interface GuardArgs {
  creates?: string
  removes?: string
  chdir?: string
}

export interface GuardState {
  createsExists?: boolean
  removesExists?: boolean
  /** chdir names no folder the command could run in (Ansible fails before running anything). */
  chdirMissing?: boolean
}

/** Schema properties shared by the modules that take creates/removes. */
export const guardProperties = {
  creates: { type: 'string', description: 'A path (or glob with * and ?): when it exists, the command is not run.' },
  removes: { type: 'string', description: 'A path (or glob with * and ?): when it does not exist, the command is not run.' },
} as const

/** Ansible's command/shell options besides the command itself. */
export const runProperties = {
  stdin: { type: 'string', description: "Text written to the command's standard input." },
  stdin_add_newline: { type: 'boolean', default: true, description: 'Add a newline after stdin.' },
  strip_empty_ends: { type: 'boolean', default: true, description: 'Remove trailing line breaks from stdout and stderr in the result.' },
} as const

export interface RunArgs extends GuardArgs {
  stdin?: string
  stdin_add_newline: boolean
  strip_empty_ends: boolean
}

/** In --check a command is skipped, unless creates/removes let it predict "would have run" (as Ansible). */
export const guardedCheckMode = (args: GuardArgs): 'plan' | 'skip' => (args.creates !== undefined || args.removes !== undefined ? 'plan' : 'skip')

/** The exec change of command/shell: stdin, chdir, and stdout/stderr stripped as Ansible does. */
export function runPlan(cmd: string, args: RunArgs, ctx: PlanContext): Plan {
  const stdin = args.stdin === undefined ? undefined : args.stdin + (args.stdin_add_newline ? '\n' : '')
  const ends = (s: string) => (args.strip_empty_ends ? s.replace(/[\r\n]+$/, '') : s)
  const parse = (r: ExecResult) => {
    const [stdout, stderr] = [ends(r.stdout), ends(r.stderr)]
    return { stdout, stderr, stdout_lines: stdout === '' ? [] : stdout.split('\n'), stderr_lines: stderr === '' ? [] : stderr.split('\n') }
  }
  const plan: Plan = { changes: [{ kind: 'exec', cmd, cwd: args.chdir, stdin, capture: true, parse }] }
  if (ctx.check) Object.assign(plan, { msg: 'Command would have run if not in check mode', data: { rc: 0 } })
  return plan
}

/**
 * Check the guard paths and chdir on the target in one round trip; relative paths are relative
 * to chdir. Without chdir or guards there is nothing to read.
 */
export async function gatherGuard(args: GuardArgs, ctx: ModuleContext): Promise<GuardState> {
  const paths = [args.creates, args.removes].filter((p): p is string => p !== undefined)
  if (paths.length === 0 && args.chdir === undefined) return {}
  // e() prints 1 when any of its (glob-expanded) arguments exists, 0 otherwise.
  const fn = `e() { for f in "$@"; do { [ -e "$f" ] || [ -L "$f" ]; } && { echo 1; return; }; done; echo 0; }`
  const enter = args.chdir === undefined ? '' : `cd -- ${quote(args.chdir)} 2>/dev/null || { echo nochdir; exit 0; }; `
  const calls = paths.map((p) => `e ${globWord(p)}`).join('; ')
  const r = await read(ctx, `${fn}; ${enter}${calls}`, { okCodes: 'any' })
  const out = r.stdout.trim() === '' ? [] : r.stdout.trim().split('\n')
  if (r.rc === 0 && out[0] === 'nochdir') return { chdirMissing: true }
  if (r.rc !== 0 || out.length !== paths.length) {
    throw new TsplayError(`Unable to check creates/removes${args.chdir ? ` in ${args.chdir}` : ''}: ${r.stderr.trim() || `exit code ${r.rc}`}`)
  }
  const state: GuardState = {}
  let i = 0
  // In --check a path an earlier task planned to create counts as there, as it will be in the run.
  const there = (p: string): boolean => out[i++] === '1' || (!/[*?]/.test(p) && !!ctx.planned?.has(args.chdir && !p.startsWith('/') ? `${args.chdir}/${p}` : p))
  if (args.creates !== undefined) state.createsExists = there(args.creates)
  if (args.removes !== undefined) state.removesExists = there(args.removes)
  return state
}

/** Ansible's failure when chdir is not a folder on the target (nothing ran). */
export function chdirPlan(args: GuardArgs, state: GuardState): Plan | undefined {
  if (!state.chdirMissing) return undefined
  return { changes: [], failed: `Unable to change directory before execution: [Errno 2] No such file or directory: '${args.chdir}'` }
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
