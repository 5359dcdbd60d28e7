// LocalConnection against the real machine: commands, timeouts, become, atomic put and get.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { LocalConnection } from '../../src/connection/local.js'
import { sh } from '../../src/connection/quote.js'
import { TsplayError } from '../../src/errors.js'
import { unlessCi } from '../helpers/skip.js'
import { tempDir } from '../helpers/tmp.js'

const conn = new LocalConnection()
const isRoot = userInfo().uid === 0
const sudoWorks = (await conn.exec('sudo -n -u nobody true')).rc === 0
const canSudoNobody = isRoot && sudoWorks
const HOSTILE = `a b'c"d $(touch sentinel) \`touch sentinel2\` ;x\nnew line`

async function tmp(): Promise<string> {
  return tempDir('tsplay-local-')
}

/** Running (a zombie waiting for a reaper counts as dead). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^\d+ \(.*\) Z/.test(stat)
  } catch {
    return false
  }
}

test('exec returns rc, stdout and stderr of a failing command without rejecting', async () => {
  const r = await conn.exec('echo out; echo err >&2; exit 3')
  assert.deepEqual(r, { rc: 3, stdout: 'out\n', stderr: 'err\n' })
})

test('exec feeds stdin and closes it', async () => {
  const r = await conn.exec('cat; echo done', { stdin: 'hello\n' })
  assert.equal(r.stdout, 'hello\ndone\n')
})

test('exec closes stdin at once when none is given, so readers do not hang', async () => {
  const r = await conn.exec('cat; echo eof', { timeoutMs: 5000 })
  assert.equal(r.stdout, 'eof\n')
  assert.equal(r.timedOut, undefined)
})

test('exec exports env values verbatim, however hostile', async () => {
  const dir = await tmp()
  const r = await conn.exec('printf %s "$GREETING"', { env: { GREETING: HOSTILE }, cwd: dir })
  assert.equal(r.stdout, HOSTILE)
  assert.deepEqual(await readdir(dir), [])
})

test('exec rejects an env name that is not a shell identifier', async () => {
  await assert.rejects(conn.exec('true', { env: { 'A;B': 'x' } }), TsplayError)
})

test('exec runs in cwd and fails cleanly when cwd is missing', async () => {
  const dir = await tmp()
  assert.equal((await conn.exec('pwd', { cwd: dir })).stdout.trim(), dir)
  const r = await conn.exec('echo should-not-run', { cwd: join(dir, 'missing') })
  assert.notEqual(r.rc, 0)
  assert.equal(r.stdout, '')
})

test('exec streams output chunks to onOutput as they come', async () => {
  const seen: string[] = []
  const r = await conn.exec('echo one; sleep 0.2; echo two >&2', { onOutput: (s, c) => seen.push(`${s}:${c}`) })
  assert.deepEqual(seen, ['stdout:one\n', 'stderr:two\n'])
  assert.equal(r.stdout, 'one\n')
})

test('a timeout kills the whole process group and sets timedOut', async () => {
  const dir = await tmp()
  const pidFile = join(dir, 'child.pid')
  const t0 = Date.now()
  const r = await conn.exec(sh`sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 300 })
  assert.equal(r.timedOut, true)
  assert.equal(r.rc, null)
  assert.equal(r.signal, 'TERM')
  assert.ok(Date.now() - t0 < 5000)
  const child = Number(await readFile(pidFile, 'utf8'))
  await new Promise((res) => setTimeout(res, 100))
  assert.equal(alive(child), false, 'the backgrounded sleep was killed too')
})

test('an abort signal kills the command', async () => {
  const ac = new AbortController()
  setTimeout(() => ac.abort(), 200)
  const r = await conn.exec('sleep 30', { signal: ac.signal })
  assert.equal(r.rc, null)
  assert.equal(r.signal, 'TERM')
  assert.equal(r.timedOut, undefined)
})

test('a command killed by a signal reports the signal name without SIG', async () => {
  const r = await conn.exec('kill -KILL $$')
  assert.equal(r.rc, null)
  assert.equal(r.signal, 'KILL')
})

test('become as the user we already are runs the command directly', { skip: unlessCi(!isRoot && 'needs root') }, async () => {
  const r = await conn.exec('id -un; cat', { become: {}, stdin: 'in' })
  assert.deepEqual(r, { rc: 0, stdout: 'root\nin', stderr: '' })
})

test('become as another user goes through sudo, keeping stdin, env and cwd', { skip: unlessCi(!canSudoNobody && 'needs root and sudo') }, async () => {
  const seen: string[] = []
  const r = await conn.exec('id -un; pwd; printf %s "$V"; cat', {
    become: { user: 'nobody' },
    env: { V: '$(x)' },
    cwd: '/',
    stdin: 'piped',
    onOutput: (_s, c) => seen.push(c),
  })
  assert.equal(r.rc, 0)
  assert.equal(r.stdout, 'nobody\n/\n$(x)piped')
  assert.equal(seen.join(''), r.stdout, 'the become marker never reaches the output')
})

test('put writes atomically with a string mode and leaves no temp file', async () => {
  const dir = await tmp()
  const p = join(dir, 'main.cf')
  await conn.put(p, 'myhostname = mx\n', { mode: '0640' })
  assert.equal(await readFile(p, 'utf8'), 'myhostname = mx\n')
  assert.equal((await stat(p)).mode & 0o7777, 0o640)
  assert.deepEqual(await readdir(dir), ['main.cf'])
})

test('put accepts a numeric mode and replaces an existing file', async () => {
  const dir = await tmp()
  const p = join(dir, 'f')
  await writeFile(p, 'old')
  await conn.put(p, Buffer.from([0, 1, 2, 255]), { mode: 0o600 })
  assert.deepEqual(await readFile(p), Buffer.from([0, 1, 2, 255]))
  assert.equal((await stat(p)).mode & 0o7777, 0o600)
})

test('put without a mode keeps the mode of the file it replaces', async () => {
  const dir = await tmp()
  const p = join(dir, 'f')
  await writeFile(p, 'old')
  await chmod(p, 0o751)
  await conn.put(p, 'new')
  assert.equal((await stat(p)).mode & 0o7777, 0o751)
})

test('put rejects a mode that is not octal', async () => {
  const dir = await tmp()
  await assert.rejects(conn.put(join(dir, 'f'), 'x', { mode: 'u+rw' }), /Invalid mode 'u\+rw'/)
})

test('put sets owner and group by name', { skip: unlessCi(!isRoot && 'needs root') }, async () => {
  const dir = await tmp()
  const p = join(dir, 'f')
  await conn.put(p, 'x', { owner: 'nobody', group: 'nogroup' })
  const st = await stat(p)
  assert.equal(st.uid, 65534)
  assert.equal(st.gid, 65534)
})

test('put into a missing folder is a TsplayError naming the folder', async () => {
  const dir = await tmp()
  await assert.rejects(conn.put(join(dir, 'no', 'f'), 'x'), (e: unknown) => e instanceof TsplayError && /folder .*no does not exist/.test(e.message))
})

test('put with become as another user writes the file as that user', { skip: unlessCi(!canSudoNobody && 'needs root and sudo') }, async () => {
  const dir = await tmp()
  await chmod(dir, 0o777)
  const p = join(dir, 'f')
  await conn.put(p, 'from nobody\n', { become: { user: 'nobody' }, mode: '0604' })
  const st = await stat(p)
  assert.equal(st.uid, 65534)
  assert.equal(st.mode & 0o7777, 0o604)
  assert.equal(await readFile(p, 'utf8'), 'from nobody\n')
  assert.deepEqual(await readdir(dir), ['f'])
})

test('put with become fails as a TsplayError when the user may not write there', { skip: unlessCi(!canSudoNobody && 'needs root and sudo') }, async () => {
  const dir = await tmp()
  await assert.rejects(conn.put(join(dir, 'f'), 'x', { become: { user: 'nobody' } }), TsplayError)
  assert.deepEqual(await readdir(dir), [])
})

test('get reads bytes, and a missing file is a TsplayError', async () => {
  const dir = await tmp()
  const p = join(dir, 'bin')
  await writeFile(p, Buffer.from([0xff, 0x00, 0xc3, 0x28]))
  assert.deepEqual(await conn.get(p), Buffer.from([0xff, 0x00, 0xc3, 0x28]))
  await assert.rejects(conn.get(join(dir, 'nope')), (e: unknown) => e instanceof TsplayError && /does not exist/.test(e.message))
})

test('get with become reads binary content through sudo unchanged', { skip: unlessCi(!canSudoNobody && 'needs root and sudo') }, async () => {
  const dir = await tmp()
  await chmod(dir, 0o755)
  const p = join(dir, 'bin')
  const bytes = Buffer.from([0xff, 0x00, 0xc3, 0x28, 0x0a, 0xe2, 0x82])
  await writeFile(p, bytes, { mode: 0o644 })
  assert.deepEqual(await conn.get(p, { become: { user: 'nobody' } }), bytes)
  await assert.rejects(conn.get(join(dir, 'nope'), { become: { user: 'nobody' } }), TsplayError)
})

test('a hostile file name is only ever a name: put, get, exec and become never run it', async () => {
  const dir = await tmp()
  const p = join(dir, HOSTILE)
  await conn.put(p, 'one', { mode: '0644' })
  assert.equal((await conn.get(p)).toString(), 'one')
  const r = await conn.exec(sh`cat -- ${p}; ls -- ${dir}`, { cwd: dir })
  assert.equal(r.rc, 0)
  assert.equal(r.stdout, `one${HOSTILE}\n`)
  if (canSudoNobody) {
    await chmod(dir, 0o777)
    await conn.put(p, 'two', { become: { user: 'nobody' } })
    assert.equal((await conn.get(p, { become: { user: 'nobody' } })).toString(), 'two')
  }
  assert.deepEqual(await readdir(dir), [HOSTILE])
  assert.equal(existsSync(join(process.cwd(), 'sentinel')), false)
  assert.equal(existsSync(join(process.cwd(), 'sentinel2')), false)
})
