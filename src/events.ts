// Everything a run reports is one of these events. Reporters only listen; the executor never
// knows who is listening. Adding a kind breaks every reporter's handler map until it handles it.
import type { SourcePos } from './errors.js'
import type { Progress } from './executor/progress.js'
import type { HostStats, TaskResult } from './executor/result.js'

export type RunEvent =
  | { kind: 'run-start'; playbook: string; check: boolean; diff: boolean }
  | { kind: 'play-start'; name: string; hosts: string[]; pos: SourcePos }
  | {
      kind: 'task-start'
      name: string
      pos: SourcePos
      hosts: string[]
      handler: boolean
      role?: string
      /** Set for a task of a block's `rescue:` or `always:` section. */
      section?: 'rescue' | 'always'
    }
  | {
      kind: 'task-result'
      host: string
      task: string
      pos: SourcePos
      result: TaskResult
      /** Set when the task ran on another host (delegate_to). */
      delegatedTo?: string
      /** Hide data and messages (no_log). */
      noLog?: boolean
    }
  | { kind: 'output'; host: string; task: string; stream: 'stdout' | 'stderr'; chunk: string }
  | ({ kind: 'progress'; host: string; task: string } & Progress)
  | {
      kind: 'report'
      host: string
      task: string
      /** Which part of the run report the data belongs to, e.g. `migration.mailboxes`. */
      section: string
      data: Record<string, unknown>
    }
  | { kind: 'warning'; message: string; pos?: SourcePos }
  | { kind: 'message'; text: string; host?: string }
  | { kind: 'recap'; hosts: Record<string, HostStats> }
  | { kind: 'run-end'; exitCode: number; durationMs: number }

export type RunEventKind = RunEvent['kind']
export type EventOf<K extends RunEventKind> = Extract<RunEvent, { kind: K }>

/** A reporter must say what it does with every kind (even if nothing). */
export type EventHandlers = { [K in RunEventKind]: (e: EventOf<K>) => void }

export interface Reporter {
  on(e: RunEvent): void
  /** Flush and stop (listr2 needs to end its render loop). */
  close(): Promise<void>
}

export type Emit = (e: RunEvent) => void

/** Dispatch an event to the handler for its kind. */
export function dispatch(h: EventHandlers, e: RunEvent): void {
  ;(h[e.kind] as (e: RunEvent) => void)(e)
}
