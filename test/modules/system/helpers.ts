// Shared by the system module tests: the one runner and contract of real-run.ts (the diff shown
// too), and a connection that runs inside namespaces.
import assert from 'node:assert/strict'
import { LocalConnection } from '../../../src/connection/local.js'
import type { Connection, ExecOptions, ExecResult, PutOptions } from '../../../src/connection/connection.js'
import { argv, sh } from '../../../src/connection/quote.js'
import type { TaskResult } from '../../../src/executor/result.js'
import { contract, runner, type Over } from '../real-run.js'
import type { ModuleContext } from '../../../src/modules/module.js'

/** Validate (filling defaults) like the executor does, then run. */
export const run = runner()

/** The contract (check, run, rerun, recheck) with the first run's diff shown: [check, run, rerun]. */
export async function cycle(name: string, args: Record<string, unknown>, probe: () => Promise<unknown>, over: Over = {}): Promise<TaskResult[]> {
  const c = await contract(run, probe, name, args, over)
  assert.ok(c.first.diff?.length, 'diff mode shows before/after')
  return [c.checked, c.first, c.second]
}

/** Runs every command through a prefix (ip netns exec NS, nsenter -t PID ...), files via cat,
 * so the module sees the namespace's view of /proc/sys, the host name and mounts. */
export class PrefixConnection implements Connection {
  readonly transport = 'local'
  private readonly local = new LocalConnection()
  constructor(private readonly prefix: string[], readonly host = 'localhost') {}
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.local.exec(`${argv(this.prefix)} /bin/sh -c ${argv([command])}`, opts)
  }
  async put(path: string, content: string | Buffer, _opts?: PutOptions): Promise<void> {
    const r = await this.exec(sh`cat > ${path}`, { stdin: content })
    if (r.rc !== 0) throw new Error(`put ${path}: ${r.stderr}`)
  }
  async get(path: string): Promise<Buffer> {
    const r = await this.exec(sh`cat -- ${path}`)
    if (r.rc !== 0) throw new Error(`get ${path}: ${r.stderr}`)
    return Buffer.from(r.stdout)
  }
  async close(): Promise<void> {}
}

/** Context over a PrefixConnection. */
export function prefixContext(conn: Connection): Partial<ModuleContext> {
  return { conn, controller: conn, connectionTo: async () => conn }
}

/** The hostile values every command-building test pushes through. */
export const HOSTILE = (sentinel: string): string[] => [
  `x $(touch ${sentinel})`,
  `x\`touch ${sentinel}\``,
  `x'; touch ${sentinel}; '`,
  `x"; touch ${sentinel}; "`,
  `x\ntouch ${sentinel}`,
  `-x; touch ${sentinel}`,
]
