// runModule: gather → plan → apply on the real local connection, with small throwaway modules.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UnreachableError } from '../../src/connection/connection.js'
import { sh } from '../../src/connection/quote.js'
import { formatPos, TsplayError } from '../../src/errors.js'
import { runModule } from '../../src/executor/apply.js'
import { resolveMode } from '../../src/modules/files/mode.js'
import { defineModule, type Change, type Plan } from '../../src/modules/module.js'
import { localContext } from '../modules/context.js'
import { tempDir } from '../helpers/tmp.js'

/** A module whose plan is fixed (gather does nothing). */
function planned(plan: Plan, checkMode?: 'plan' | 'skip') {
  return defineModule<Record<string, never>, null>({
    name: 'fixed',
    description: 'test',
    schema: {},
    checkMode,
    gather: async () => null,
    plan: () => plan,
  })
}

async function tmp(): Promise<string> {
  return tempDir('tsplay-apply-')
}

const exec = (cmd: string, more: Partial<Extract<Change, { kind: 'exec' }>> = {}): Change => ({ kind: 'exec', cmd, ...more })

test('no changes is ok, with the reason as msg', async () => {
  const r = await runModule(planned({ changes: [], reason: 'line already present' }), {}, localContext())
  assert.equal(r.status, 'ok')
  assert.equal(r.msg, 'line already present')
  assert.ok(r.durationMs >= 0)
})

test('changes are applied in order and the task is changed', async () => {
  const dir = await tmp()
  const f = join(dir, 'f')
  const r = await runModule(planned({ changes: [exec(sh`echo one > ${f}`), exec(sh`echo two >> ${f}`)] }), {}, localContext())
  assert.equal(r.status, 'changed')
  assert.equal(await readFile(f, 'utf8'), 'one\ntwo\n')
})

test('check mode applies nothing and lists what it would do', async () => {
  const dir = await tmp()
  const f = join(dir, 'f')
  const cmd = sh`touch ${f}`
  const r = await runModule(planned({ changes: [exec(cmd), { kind: 'put', path: f, content: 'x', mode: '0600' }, { kind: 'call', describe: 'sync mail', run: async () => ({}) }] }), {}, localContext({ check: true }))
  assert.equal(r.status, 'changed')
  assert.deepEqual(r.planned, [cmd, `write ${f} (mode 0600)`, 'sync mail'])
  assert.equal(existsSync(f), false)
})

test("check mode skips a 'skip' module that has changes", async () => {
  const r = await runModule(planned({ changes: [exec('false')] }, 'skip'), {}, localContext({ check: true }))
  assert.equal(r.status, 'skipped')
  assert.equal(r.msg, 'skipped in check mode')
  assert.deepEqual(r.planned, ['false'])
})

test("check mode reports ok for a 'skip' module with nothing to do", async () => {
  const r = await runModule(planned({ changes: [], reason: 'exists' }, 'skip'), {}, localContext({ check: true }))
  assert.equal(r.status, 'ok')
  assert.equal(r.msg, 'exists')
})

test('a failing command fails the task with one message shape and stops the changes', async () => {
  const dir = await tmp()
  const f = join(dir, 'never')
  const r = await runModule(planned({ changes: [exec('echo oops >&2; exit 3'), exec(sh`touch ${f}`)] }), {}, localContext())
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, 'Command failed with exit code 3: echo oops >&2; exit 3\noops')
  assert.equal(r.data.rc, 3)
  assert.equal(existsSync(f), false)
})

test('a failing command with empty stderr has no trailing newline in msg', async () => {
  const r = await runModule(planned({ changes: [exec('exit 1')] }), {}, localContext())
  assert.equal(r.msg, 'Command failed with exit code 1: exit 1')
})

test('okCodes accept other exit codes', async () => {
  const r = await runModule(planned({ changes: [exec('exit 1', { okCodes: [0, 1] })] }), {}, localContext())
  assert.equal(r.status, 'changed')
})

test('a timed-out command says how long it was given', async () => {
  const r = await runModule(planned({ changes: [exec('sleep 10', { timeoutMs: 200 })] }), {}, localContext())
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, 'Command timed out after 0.2s: sleep 10')
})

test('a command killed by a signal names the signal', async () => {
  const r = await runModule(planned({ changes: [exec('kill -KILL $$')] }), {}, localContext())
  assert.equal(r.msg, 'Command was killed with SIGKILL: kill -KILL $$')
})

test('changedWhen false makes an applied command ok, and parse adds data', async () => {
  const c = exec('echo 42', { changedWhen: (x) => x.stdout.trim() !== '42', parse: (x) => ({ answer: Number(x.stdout) }) })
  const r = await runModule(planned({ changes: [c], data: { kept: true } }), {}, localContext())
  assert.equal(r.status, 'ok')
  assert.deepEqual(r.data, { kept: true, answer: 42 })
})

test('capture records the fields Ansible command registers', async () => {
  const r = await runModule(planned({ changes: [exec('printf "a\\nb\\n"; echo e >&2', { capture: true })] }), {}, localContext())
  assert.equal(r.status, 'changed')
  const d = r.data
  assert.equal(d.cmd, 'printf "a\\nb\\n"; echo e >&2')
  assert.equal(d.rc, 0)
  assert.equal(d.stdout, 'a\nb')
  assert.deepEqual(d.stdout_lines, ['a', 'b'])
  assert.equal(d.stderr, 'e')
  assert.deepEqual(d.stderr_lines, ['e'])
  assert.match(String(d.start), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
  assert.match(String(d.end), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
  assert.match(String(d.delta), /^0:00:0\d\.\d{6}$/)
})

test('exec changes get env, cwd, stdin and the live output callback', async () => {
  const dir = await tmp()
  const chunks: string[] = []
  const c = exec('printf "%s %s " "$X" "$(pwd)"; cat', { env: { X: 'x$y' }, cwd: dir, stdin: 'in', capture: true })
  const r = await runModule(planned({ changes: [c] }), {}, localContext({ onOutput: (_s, t) => chunks.push(t) }))
  assert.equal(r.data.stdout, `x$y ${dir} in`)
  assert.equal(chunks.join(''), `x$y ${dir} in`)
})

test('a put change writes the file with its mode', async () => {
  const dir = await tmp()
  const f = join(dir, 'f')
  const r = await runModule(planned({ changes: [{ kind: 'put', path: f, content: 'hi', mode: '0600' }] }), {}, localContext())
  assert.equal(r.status, 'changed')
  assert.equal(await readFile(f, 'utf8'), 'hi')
  assert.equal((await stat(f)).mode & 0o777, 0o600)
})

test('a put that cannot write fails the task instead of throwing', async () => {
  const dir = await tmp()
  const r = await runModule(planned({ changes: [{ kind: 'put', path: join(dir, 'no', 'f'), content: 'x' }] }), {}, localContext())
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /^Cannot write /)
})

test('a call change runs with the context and can fail or say unchanged', async () => {
  let host = ''
  const ok = await runModule(planned({ changes: [{ kind: 'call', describe: 'x', run: async (ctx) => ((host = ctx.host), { changed: false, data: { n: 1 } }) }] }), {}, localContext())
  assert.equal(host, 'localhost')
  assert.equal(ok.status, 'ok')
  assert.deepEqual(ok.data, { n: 1 })
  const bad = await runModule(planned({ changes: [{ kind: 'call', describe: 'x', run: async () => ({ failed: 'no route' }) }] }), {}, localContext())
  assert.equal(bad.status, 'failed')
  assert.equal(bad.msg, 'no route')
})

test('plan.failed fails without applying anything', async () => {
  const dir = await tmp()
  const f = join(dir, 'f')
  const r = await runModule(planned({ changes: [exec(sh`touch ${f}`)], failed: 'impossible', data: { why: 1 } }), {}, localContext())
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, 'impossible')
  assert.deepEqual(r.data, { why: 1 })
  assert.equal(existsSync(f), false)
})

test('facts are returned under data.ansible_facts, msg and diff pass through', async () => {
  const diff = [{ path: 'f', before: 'a', after: 'b' }]
  const r = await runModule(planned({ changes: [], facts: { x: 1 }, msg: 'hello', reason: 'ignored', diff }), {}, localContext())
  assert.equal(r.status, 'ok')
  assert.deepEqual(r.data, { ansible_facts: { x: 1 } })
  assert.equal(r.msg, 'hello')
  assert.deepEqual(r.diff, diff)
})

test('the task runs commands with become unless a change says noBecome', async () => {
  const seen: Array<unknown> = []
  const ctx = localContext({ become: { user: 'root' } })
  const conn = ctx.conn
  ctx.conn = { ...conn, host: conn.host, transport: conn.transport, exec: (cmd, o) => (seen.push(o?.become), conn.exec(cmd, o)), put: conn.put.bind(conn), get: conn.get.bind(conn), close: conn.close.bind(conn) }
  await runModule(planned({ changes: [exec('true'), exec('true', { noBecome: true })] }), {}, ctx)
  assert.deepEqual(seen, [{ user: 'root' }, undefined])
})

test('a TsplayError from gather becomes a failed result at the task', async () => {
  const mod = defineModule({ name: 'g', description: '', schema: {}, gather: async () => { throw new TsplayError('cannot read state') }, plan: () => ({ changes: [] }) })
  const ctx = localContext()
  const r = await runModule(mod, {}, ctx)
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, `cannot read state (${formatPos(ctx.taskPos)})`)
})

test('a bad arg value found by a helper in plan() fails the task at that arg\'s line', async () => {
  const mod = defineModule({ name: 'm', description: '', schema: {}, gather: async () => null, plan: () => ({ changes: [], reason: String(resolveMode('rw-r--r--', 0, true)) }) })
  const ctx = { ...localContext(), argPos: { mode: { file: 'play.yml', line: 8, col: 9 } } }
  const r = await runModule(mod, { mode: 'rw-r--r--' }, ctx)
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, "mode 'rw-r--r--' must be octal ('0644') or symbolic ('u=rw,g=r,o=r') (play.yml:8:9)\nSee 'tsplay doc m' for its arguments.")
})

test('UnreachableError and bugs propagate', async () => {
  const unreachable = defineModule({ name: 'u', description: '', schema: {}, gather: async () => { throw new UnreachableError('h', 'dropped', 'gone') }, plan: () => ({ changes: [] }) })
  await assert.rejects(runModule(unreachable, {}, localContext()), UnreachableError)
  const bug = defineModule({ name: 'b', description: '', schema: {}, gather: async () => null, plan: () => { throw new TypeError('oops') } })
  await assert.rejects(runModule(bug, {}, localContext()), TypeError)
})

test('a module that verifies what the run made is skipped in --check without reading', async () => {
  let read = false
  const mod = defineModule({ name: 'v', description: '', schema: {}, checkMode: 'verify', gather: async () => { read = true; return null }, plan: () => ({ changes: [], reason: 'fine' }) })
  const checked = await runModule(mod, {}, localContext({ check: true }))
  assert.equal(checked.status, 'skipped')
  assert.equal(read, false)
  assert.equal((await runModule(mod, {}, localContext())).status, 'ok')
})
