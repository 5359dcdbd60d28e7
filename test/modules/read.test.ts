// gather()'s reads go through one helper that threads the task's become and Ctrl-C signal, and
// fails in the one shape of a failed command.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import type { ExecOptions } from '../../src/connection/connection.js'
import { TsplayError } from '../../src/errors.js'
import { projectRoot } from '../../src/lab/config.js'
import { read } from '../../src/modules/read.js'
import { localContext } from './context.js'

function spied(over: Parameters<typeof localContext>[0] = {}) {
  const ctx = localContext(over)
  const seen: ExecOptions[] = []
  const conn = ctx.conn
  ctx.conn = { ...conn, host: conn.host, transport: conn.transport, exec: (cmd, o = {}) => (seen.push(o), conn.exec(cmd, { ...o, become: undefined })), put: conn.put.bind(conn), get: conn.get.bind(conn), close: conn.close.bind(conn) }
  return { ctx, seen }
}

test('a read runs with the task\'s become and its Ctrl-C signal', async () => {
  const signal = new AbortController().signal
  const { ctx, seen } = spied({ become: { user: 'root' }, signal })
  await read(ctx, 'true')
  assert.deepEqual(seen[0]!.become, { user: 'root' })
  assert.equal(seen[0]!.signal, signal)
  await read(ctx, 'true', { noBecome: true })
  assert.equal(seen[1]!.become, undefined)
})

test('a failed read is a TsplayError in the one shape of a failed command', async () => {
  const { ctx } = spied()
  await assert.rejects(read(ctx, 'echo nope >&2; exit 3', { what: 'reading the thing' }), (e) => e instanceof TsplayError && e.message === 'Command failed with exit code 3: reading the thing\nnope')
  const r = await read(ctx, 'exit 1', { okCodes: [0, 1] })
  assert.equal(r.rc, 1)
  assert.equal((await read(ctx, 'exit 7', { okCodes: 'any' })).rc, 7)
})

test('modules run commands on a target only through read() or a planned change', () => {
  const root = join(projectRoot(), 'src', 'modules')
  const files = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []))
  const direct = files(root)
    .filter((f) => !f.endsWith('read.ts'))
    .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((l, i) => ({ where: `${relative(root, f)}:${i + 1}`, l })))
    .filter(({ l }) => /\b(?:conn|controller)\.exec\(/.test(l))
    .map(({ where }) => where)
  // The two `call` steps (fetch's copy to the controller, synchronize's rsync) act in apply.
  assert.deepEqual(direct.filter((w) => !/^(files\/fetch|net\/synchronize)\.ts:/.test(w)), [])
})
