// What every part of the executor needs while a play runs, passed down explicitly.
import type { Emit } from '../events.js'
import type { Inventory } from '../inventory/types.js'
import type { Play, Role, TaskCommon, Vars } from '../playbook/types.js'
import type { ConnectionPool } from './pool.js'
import type { RunState } from './state.js'
import type { TagFilter } from './tags.js'

export interface RunOptions {
  check: boolean
  diff: boolean
  forks: number
  extraVars: Vars
  tags: TagFilter
  startAtTask?: string
  verbose: number
}

export interface PlayContext {
  play: Play
  inventory: Inventory
  state: RunState
  pool: ConnectionPool
  opts: RunOptions
  emit: Emit
  /** Hosts of the current serial batch. */
  batch: string[]
  /** Every host the play selected (all batches). */
  playHosts: string[]
  /** Set by meta: end_play. */
  stop: { play: boolean }
  /** Shared by the whole run: any_errors_fatal, max_fail_percentage or an interrupt. */
  runStop: { value: boolean }
  /** Aborts running commands (second Ctrl-C or the grace period ran out). */
  signal: AbortSignal
  /** Aborts even rescue/always (cleanup) commands: only a second Ctrl-C. */
  hardSignal: AbortSignal
  /** Start-at-task: true once the named task has been reached. */
  started: { value: boolean }
}

/** Keywords a block passes down to its tasks (the task's own value wins). */
export type Inherited = Pick<
  TaskCommon,
  'become' | 'becomeUser' | 'becomePassword' | 'environment' | 'ignoreErrors' | 'ignoreUnreachable' | 'noLog' | 'checkMode' | 'diff' | 'delegateTo' | 'anyErrorsFatal' | 'connection' | 'remoteUser' | 'becomeMethod'
>

export interface Scope {
  /** Block vars from outermost to innermost, then include/loop vars. */
  scoped: Vars[]
  role?: Role
  inherit: Inherited
  handler: boolean
  /** In rescue/always entered because the run is stopping: runs until a second Ctrl-C. */
  cleanup?: boolean
  /** Inside a block's rescue or always section (shown in reports). */
  section?: 'rescue' | 'always'
}

/** The signal that kills this scope's commands: cleanup survives the first interrupt. */
export function signalFor(pc: PlayContext, scope: Scope): AbortSignal {
  return scope.cleanup ? pc.hardSignal : pc.signal
}

/** Whether no further task may start in this scope. */
export function halted(pc: PlayContext, scope: Scope): boolean {
  if (pc.stop.play) return true
  if (scope.cleanup) return pc.hardSignal.aborted
  return pc.runStop.value || pc.signal.aborted
}

export const rootScope = (): Scope => ({ scoped: [], inherit: {}, handler: false })

/** Fold a block's keywords into the scope its children run in. */
export function enterBlock(scope: Scope, b: TaskCommon): Scope {
  const inherit: Inherited = { ...scope.inherit }
  for (const k of ['become', 'becomeUser', 'becomePassword', 'environment', 'ignoreErrors', 'ignoreUnreachable', 'noLog', 'checkMode', 'diff', 'delegateTo', 'anyErrorsFatal', 'connection', 'remoteUser', 'becomeMethod'] as const) {
    if (b[k] !== undefined) (inherit as Record<string, unknown>)[k] = b[k]
  }
  return { ...scope, scoped: [...scope.scoped, b.vars], inherit, role: b.role ?? scope.role }
}
