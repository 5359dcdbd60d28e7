// Shared by the system module tests: run a module like the executor does, the
// check → apply → apply-again cycle, and a connection that runs inside namespaces.
import assert from 'node:assert/strict'
import { LocalConnection } from '../../../src/connection/local.js'
import type { Connection, ExecOptions, ExecResult, PutOptions } from '../../../src/connection/connection.js'
import { argv, sh } from '../../../src/connection/quote.js'
import { runModule } from '../../../src/executor/apply.js'
import type { TaskResult } from '../../../src/executor/result.js'
import { getModule } from '../../../src/modules/index.js'
import type { Module, ModuleContext } from '../../../src/modules/module.js'
import { check } from '../../../src/schema/validate.js'
import { localContext } from '../context.js'

/** Validate (filling defaults) like the executor does, then run. */
export function run(name: string, args: Record<string, unknown>, over: Partial<ModuleContext> = {}): Promise<TaskResult> {
  const mod = getModule(name) as Module<any, any>
  const a = structuredClone(args)
  const problem = check(mod.schema, a)
  assert.equal(problem, undefined, problem?.message)
  return runModule(mod, a, localContext(over))
}

/**
 * The contract every module keeps: --check predicts changed and changes nothing (`probe` reads
 * the state before and after), the first run changes with a diff, the second run is ok.
 */
export async function cycle(name: string, args: Record<string, unknown>, probe: () => Promise<unknown>, over: Partial<ModuleContext> = {}): Promise<TaskResult[]> {
  const before = await probe()
  const dry = await run(name, args, { ...over, check: true, diff: true })
  assert.equal(dry.status, 'changed', `check mode predicts a change: ${dry.msg ?? ''}`)
  assert.deepEqual(await probe(), before, 'check mode changed nothing')
  const first = await run(name, args, { ...over, diff: true })
  assert.equal(first.status, 'changed', `first run changes: ${first.msg ?? ''}`)
  assert.ok(first.diff?.length, 'diff mode shows before/after')
  assert.notDeepEqual(await probe(), before, 'the first run changed the state')
  const second = await run(name, args, over)
  assert.equal(second.status, 'ok', `second run changes nothing: ${second.msg ?? ''}`)
  assert.ok(second.msg, 'the second run says why nothing changed')
  const dry2 = await run(name, args, { ...over, check: true })
  assert.equal(dry2.status, 'ok', 'check mode after the change predicts no change')
  return [dry, first, second]
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
