// exec over one real sshd connection: results, streaming, quoting, timeouts, drops, connection reuse.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Connection, ConnectionSpec } from '../../src/connection/connection.js'
import { UnreachableError } from '../../src/connection/connection.js'
import { sh } from '../../src/connection/quote.js'
import { openSsh } from '../../src/connection/ssh.js'
import { createUser, freePort, makeKey, readPub, startSshd, type Sshd, type TestUser } from '../helpers/sshd.js'

delete process.env['SSH_AUTH_SOCK']

describe('ssh exec', () => {
  let sshd: Sshd
  let dir: string
  let spec: ConnectionSpec
  let conn: Connection
  let user: TestUser

  before(async () => {
    // A plain user with /bin/sh: root's shell here sources a slow ~/.bashrc on every exec.
    user = createUser('tsplay-exec')
    sshd = await startSshd()
    dir = await mkdtemp(join(tmpdir(), 'tsplay-ssh-exec-'))
    const key = makeKey(dir, 'id')
    sshd.authorize(user.name, readPub(key))
    writeFileSync(join(dir, 'known_hosts'), sshd.knownHostsLine + '\n')
    writeFileSync(join(dir, 'ssh_config'), '')
    spec = {
      name: 'web1', transport: 'ssh', address: '127.0.0.1', port: sshd.port, user: user.name,
      privateKeyPath: key, knownHostsFile: join(dir, 'known_hosts'), sshConfigFile: join(dir, 'ssh_config'),
    }
    conn = await openSsh(spec)
  })
  after(async () => {
    await conn?.close()
    await sshd?.stop()
    await rm(dir, { recursive: true, force: true })
    user?.remove()
  })

  it('returns stdout, stderr and the exit code without rejecting on failure', async () => {
    const r = await conn.exec('echo out; echo err >&2; exit 3')
    assert.deepEqual([r.rc, r.stdout, r.stderr], [3, 'out\n', 'err\n'])
  })

  it('passes stdin, env and cwd to the command', async () => {
    const r = await conn.exec('cat; printf "%s|%s" "$GREETING" "$(pwd)"', { stdin: 'in\n', env: { GREETING: 'hi there' }, cwd: '/tmp' })
    assert.equal(r.stdout, 'in\nhi there|/tmp')
  })

  it('streams output to onOutput as it arrives', async () => {
    const chunks: string[] = []
    const r = await conn.exec('echo one; sleep 0.3; echo two >&2', { onOutput: (s, c) => chunks.push(`${s}:${c}`) })
    assert.deepEqual(chunks, ['stdout:one\n', 'stderr:two\n'])
    assert.equal(r.rc, 0)
  })

  it('reports a command killed by a signal with rc null and the signal name', async () => {
    const r = await conn.exec('kill -TERM $$')
    assert.equal(r.rc, null)
    assert.equal(r.signal, 'TERM')
  })

  it('kills a command that exceeds timeoutMs and marks it timedOut', async () => {
    const t0 = Date.now()
    const r = await conn.exec('sleep 30', { timeoutMs: 300 })
    assert.equal(r.timedOut, true)
    assert.equal(r.rc, null)
    assert.ok(Date.now() - t0 < 3000)
    assert.equal((await conn.exec('pgrep -fx "sleep 30" -u "$(id -u)"')).stdout, '')
    // The channel is gone and the connection still works.
    assert.equal((await conn.exec('echo ok')).stdout, 'ok\n')
  })

  it('kills a timed-out command even for a root login, where sshd refuses signal requests', async () => {
    const key = spec.privateKeyPath!
    sshd.authorize('root', readPub(key))
    const root = await openSsh({ ...spec, user: 'root' })
    try {
      const t0 = Date.now()
      const r = await root.exec('sleep 31; echo not-killed', { timeoutMs: 300 })
      assert.deepEqual([r.rc, r.timedOut, r.stdout], [null, true, ''])
      assert.ok(Date.now() - t0 < 3000)
      assert.equal((await root.exec('pgrep -fx "sleep 31"')).stdout, '')
    } finally {
      await root.close()
    }
  })

  it("a root login runs none of this machine's root dotfiles (the test sshd hides them)", async () => {
    sshd.authorize('root', readPub(spec.privateKeyPath!))
    const root = await openSsh({ ...spec, user: 'root' })
    try {
      const r = await root.exec('for f in .bashrc .profile; do [ -e ~/$f ] && wc -c < ~/$f; done; true')
      assert.equal(r.rc, 0)
      for (const n of r.stdout.split('\n').filter(Boolean)) assert.equal(n.trim(), '0')
      // The machine's own files are untouched outside sshd's mount namespace.
      if (existsSync('/root/.bashrc')) assert.ok(readFileSync('/root/.bashrc').length > 0)
    } finally {
      await root.close()
    }
  })

  it('kills a command when its AbortSignal fires and reports the signal', async () => {
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 200)
    const r = await conn.exec('sleep 30', { signal: ac.signal })
    assert.equal(r.rc, null)
    assert.ok(r.signal)
  })

  it('never executes hostile strings given as env values or cwd', async () => {
    const sentinel = join(dir, 'pwned')
    const evil = [`$(touch ${sentinel})`, `\`touch ${sentinel}\``, `'; touch ${sentinel}; '`, `"; touch ${sentinel}; "`, `\ntouch ${sentinel}\n`]
    for (const v of evil) {
      const r = await conn.exec('printf %s "$V"', { env: { V: v } })
      assert.equal(r.stdout, v)
      await conn.exec('true', { cwd: v })
    }
    await assert.rejects(conn.exec('true', { env: { [`X;touch ${sentinel}`]: '1' } }))
    assert.equal(existsSync(sentinel), false)
  })

  it('runs 200 commands on ONE connection (sshd logs a single accepted login)', async () => {
    const before = sshd.acceptedCount(user.name)
    for (let i = 0; i < 200; i++) assert.equal((await conn.exec(sh`echo ${i}`)).stdout, `${i}\n`)
    assert.equal(before, 1)
    assert.equal(sshd.acceptedCount(user.name), 1)
  })

  it('runs commands in parallel beyond sshd MaxSessions by queueing channels', async () => {
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => conn.exec(sh`sleep 0.1; echo ${i}`)))
    assert.deepEqual(rs.map((r) => r.stdout), Array.from({ length: 30 }, (_, i) => `${i}\n`))
  })

  it('measures sequential exec latency (100 execs)', async () => {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < 100; i++) await conn.exec('true')
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / 100
    console.log(`# ssh exec: ${ms.toFixed(2)} ms per exec over 100 sequential execs`)
    assert.ok(ms < 40, `exec took ${ms} ms; setNoDelay should keep it well under Nagle's ~40 ms`)
  })
})

describe('ssh unreachable', () => {
  it('rejects with reason refused when nothing listens', async () => {
    const port = await freePort()
    const err = await openSsh({ name: 'gone', transport: 'ssh', address: '127.0.0.1', port, user: 'root', sshConfigFile: '/dev/null' }).catch((e) => e)
    assert.ok(err instanceof UnreachableError)
    assert.equal(err.reason, 'refused')
    assert.match(err.message, /refused/)
  })

  it('rejects a running command with reason dropped when the server dies, without hanging', async () => {
    const sshd = await startSshd()
    const dir = await mkdtemp(join(tmpdir(), 'tsplay-ssh-drop-'))
    try {
      const key = makeKey(dir, 'id')
      sshd.authorize('root', readPub(key))
      writeFileSync(join(dir, 'kh'), sshd.knownHostsLine + '\n')
      const conn = await openSsh({
        name: 'db1', transport: 'ssh', address: '127.0.0.1', port: sshd.port, user: 'root', privateKeyPath: key,
        knownHostsFile: join(dir, 'kh'), sshConfigFile: '/dev/null',
      })
      const running = conn.exec('sleep 30')
      await new Promise((r) => setTimeout(r, 300))
      const t0 = Date.now()
      sshd.crash()
      const err = await running.catch((e) => e)
      assert.ok(err instanceof UnreachableError, String(err))
      assert.equal(err.reason, 'dropped')
      assert.ok(Date.now() - t0 < 2000)
      const next = await conn.exec('true').catch((e) => e)
      assert.equal(next.reason, 'dropped')
      await conn.close()
    } finally {
      await sshd.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
