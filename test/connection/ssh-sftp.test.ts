// put/get over SFTP on the one connection: large binaries byte-exact, mode, owner, atomic replace.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Connection } from '../../src/connection/connection.js'
import { TsplayError } from '../../src/errors.js'
import { openSsh } from '../../src/connection/ssh.js'
import { createUser, makeKey, readPub, startSshd, type Sshd, type TestUser } from '../helpers/sshd.js'

delete process.env['SSH_AUTH_SOCK']

describe('ssh put/get over SFTP', () => {
  let sshd: Sshd
  let dir: string
  let owner: TestUser
  let conn: Connection

  before(async () => {
    owner = createUser('tsplay-sftp')
    sshd = await startSshd()
    dir = await mkdtemp(join(tmpdir(), 'tsplay-ssh-sftp-'))
    const key = makeKey(dir, 'id')
    sshd.authorize('root', readPub(key))
    writeFileSync(join(dir, 'kh'), sshd.knownHostsLine + '\n')
    conn = await openSsh({
      name: 'files1', transport: 'ssh', address: '127.0.0.1', port: sshd.port, user: 'root', privateKeyPath: key,
      knownHostsFile: join(dir, 'kh'), sshConfigFile: '/dev/null',
    })
  })
  after(async () => {
    await conn?.close()
    await sshd?.stop()
    await rm(dir, { recursive: true, force: true })
    owner?.remove()
  })

  it('round-trips a 20 MB random binary byte-exact with mode and owner', async () => {
    const data = randomBytes(20 * 1024 * 1024)
    const path = join(dir, 'remote', 'blob.bin')
    await conn.exec(`mkdir -p ${join(dir, 'remote')}`)
    let t0 = Date.now()
    await conn.put(path, data, { mode: '0640', owner: owner.name, group: owner.name })
    const upMs = Date.now() - t0
    const st = statSync(path)
    assert.equal(st.mode & 0o7777, 0o640)
    assert.equal(st.uid, Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(owner.name + ':'))!.split(':')[2]))
    assert.ok(readFileSync(path).equals(data))
    t0 = Date.now()
    const back = await conn.get(path)
    console.log(`# sftp 20 MB: put ${upMs} ms, get ${Date.now() - t0} ms`)
    assert.ok(back.equals(data))
    // No temp file left next to it.
    assert.deepEqual(readdirSync(join(dir, 'remote')), ['blob.bin'])
  })

  it('replaces an existing file atomically and keeps its mode when none is given', async () => {
    const path = join(dir, 'keep-mode')
    writeFileSync(path, 'old', { mode: 0o600 })
    await conn.put(path, 'new content')
    assert.equal(readFileSync(path, 'utf8'), 'new content')
    assert.equal(statSync(path).mode & 0o777, 0o600)
  })

  it('rejects with a TsplayError naming the path when a file is missing', async () => {
    const err = await conn.get(join(dir, 'nope')).catch((e) => e)
    assert.ok(err instanceof TsplayError)
    assert.ok(err.message.includes(join(dir, 'nope')))
  })

  it('never runs hostile put paths or owners through the shell', async () => {
    const path = join(dir, "x$(touch tsplay-pwned);'`touch tsplay-pwned`")
    await conn.put(path, 'x', { owner: owner.name })
    assert.equal(readFileSync(path, 'utf8'), 'x')
    await assert.rejects(conn.put(join(dir, 'y'), 'y', { owner: '$(touch tsplay-pwned)' }))
    for (const d of ['/root', '/', dir]) assert.equal(existsSync(join(d, 'tsplay-pwned')), false)
  })

  it('moves all of it over the single connection', () => {
    assert.equal(sshd.acceptedCount(), 1)
  })
})
