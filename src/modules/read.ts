// gather()'s one way to run a read-only command on the target: the task's become, its Ctrl-C
// signal and timeout are threaded here once, and a failure has the shape the runner gives
// failed changes ("Command failed with exit code N: what", stderr), as a TsplayError.
import { commandFailure } from '../connection/command-failure.js'
import type { Connection, ExecResult } from '../connection/connection.js'
import { TsplayError } from '../errors.js'
import type { ModuleContext } from './module.js'

export interface ReadOptions {
  stdin?: string | Buffer
  cwd?: string
  /** Kill the command after this long (the task's `timeout:` still applies). */
  timeoutMs?: number
  /** Exit codes that are answers, not failures (default [0]); 'any' leaves rc to the caller. */
  okCodes?: number[] | 'any'
  /** Named in the failure instead of the command (long scripts): 'reading file state'. */
  what?: string
  /** Output as it comes (long reads such as hashing a mail spool stream their progress). */
  onOutput?: ModuleContext['onOutput']
  /** Another connection than the task's (the controller side of fetch or synchronize). */
  conn?: Connection
  /** Run as the connecting user even when the task has become. */
  noBecome?: boolean
}

/** Run `cmd` for gather(); rc outside okCodes, a kill or a timeout is a TsplayError. */
export async function read(ctx: ModuleContext, cmd: string, opts: ReadOptions = {}): Promise<ExecResult> {
  const r = await (opts.conn ?? ctx.conn).exec(cmd, {
    become: opts.noBecome ? undefined : ctx.become,
    signal: ctx.signal,
    stdin: opts.stdin,
    cwd: opts.cwd,
    timeoutMs: opts.timeoutMs,
    onOutput: opts.onOutput,
  })
  const failed = commandFailure({ cmd: opts.what ?? cmd, okCodes: opts.okCodes === 'any' ? undefined : opts.okCodes, timeoutMs: opts.timeoutMs }, r)
  if (failed !== undefined && opts.okCodes !== 'any') throw new TsplayError(failed)
  return r
}
