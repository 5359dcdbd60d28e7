// Waiting for a host to answer again (wait_for_connection, reboot): a new connection each try,
// a command through it, until it works or the time is up. The waits honour Ctrl-C.
import type { Connection, ExecResult } from '../../connection/connection.js'
import { UnreachableError } from '../../connection/connection.js'
import { InterruptedError, TsplayError } from '../../errors.js'
import type { ModuleContext } from '../module.js'
import { read } from '../read.js'

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError('interrupted while waiting'))
    const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms)
    const onAbort = () => (clearTimeout(t), reject(new InterruptedError('interrupted while waiting')))
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** A fresh connection to the task's host (the cached one may be dead), or the task's own
 * connection where the executor cannot make another (module tests on LocalConnection). */
export function freshConnection(ctx: ModuleContext, connectTimeoutMs: number): Promise<Connection> {
  return ctx.reconnect ? ctx.reconnect(connectTimeoutMs) : Promise.resolve(ctx.conn)
}

export interface Attempt<T> {
  ok: boolean
  value?: T
  /** Why this try did not succeed, for the timeout message. */
  why?: string
}

/** Try `fn` every `sleepMs` until it says ok or `timeoutMs` has passed; the last reason when not. */
export async function untilOk<T>(ctx: ModuleContext, timeoutMs: number, sleepMs: number, fn: () => Promise<Attempt<T>>): Promise<Attempt<T>> {
  const deadline = Date.now() + timeoutMs
  let last: Attempt<T> = { ok: false, why: 'no attempt made' }
  for (;;) {
    try {
      last = await fn()
    } catch (e) {
      if (!(e instanceof UnreachableError) && !(e instanceof TsplayError && !(e instanceof InterruptedError))) throw e
      last = { ok: false, why: e.message }
    }
    if (last.ok || Date.now() + sleepMs >= deadline) return last
    await sleep(sleepMs, ctx.signal)
  }
}

/** Run `cmd` on a fresh connection: ok when it exits 0. */
export async function tryCommand(ctx: ModuleContext, cmd: string, connectTimeoutMs: number): Promise<Attempt<ExecResult>> {
  const conn = await freshConnection(ctx, connectTimeoutMs)
  const r = await read(ctx, cmd, { conn, timeoutMs: Math.max(connectTimeoutMs, 10_000), okCodes: 'any' })
  return r.rc === 0 ? { ok: true, value: r } : { ok: false, value: r, why: `${cmd} exited ${r.rc}: ${r.stderr.trim()}` }
}
