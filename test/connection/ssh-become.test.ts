// become (sudo) over SSH as a non-root login user: NOPASSWD, with a password, wrong password, files.
import assert from 'node:assert/strict'
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Connection } from '../../src/connection/connection.js'
import { openSsh } from '../../src/connection/ssh.js'
import { createUser, makeKey, readPub, startSshd, type Sshd, type TestUser } from '../helpers/sshd.js'

delete process.env['SSH_AUTH_SOCK']
const SUDO_PASSWORD = 'sudo-pw-7Hq"$x'
const SUDOERS = '/etc/sudoers.d/tsplay-test-become'

describe('ssh become', () => {
  let sshd: Sshd
  let dir: string
  let withPw: TestUser
  let noPw: TestUser
  let pwConn: Connection
  let npConn: Connection

  before(async () => {
    withPw = createUser('tsplay-becpw', SUDO_PASSWORD)
    noPw = createUser('tsplay-becnp')
    writeFileSync(SUDOERS, `${withPw.name} ALL=(ALL:ALL) ALL\n${noPw.name} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 })
    sshd = await startSshd()
    dir = await mkdtemp(join(tmpdir(), 'tsplay-ssh-become-'))
    const key = makeKey(dir, 'id')
    sshd.authorize(withPw.name, readPub(key))
    sshd.authorize(noPw.name, readPub(key))
    writeFileSync(join(dir, 'kh'), sshd.knownHostsLine + '\n')
    const base = { transport: 'ssh', address: '127.0.0.1', port: sshd.port, privateKeyPath: key, knownHostsFile: join(dir, 'kh'), sshConfigFile: '/dev/null' } as const
    pwConn = await openSsh({ ...base, name: 'pw', user: withPw.name })
    npConn = await openSsh({ ...base, name: 'np', user: noPw.name })
  })
  after(async () => {
    await pwConn?.close()
    await npConn?.close()
    await sshd?.stop()
    await rm(dir, { recursive: true, force: true })
    rmSync(SUDOERS, { force: true })
    rmSync('/etc/tsplay-become-test', { recursive: true, force: true })
    withPw?.remove()
    noPw?.remove()
  })

  it('runs as root through NOPASSWD sudo, with env, cwd and stdin', async () => {
    const r = await npConn.exec('id -un; printf "%s %s " "$X" "$(pwd)"; cat', { become: {}, env: { X: 'x y' }, cwd: '/tmp', stdin: 'in' })
    assert.deepEqual([r.rc, r.stdout], [0, 'root\nx y /tmp in'])
  })

  it('runs as another become user', async () => {
    const r = await npConn.exec('id -un', { become: { user: 'nobody' } })
    assert.equal(r.stdout, 'nobody\n')
  })

  it('fails at once without a password when sudo needs one', async () => {
    const r = await pwConn.exec('id -un', { become: {} })
    assert.notEqual(r.rc, 0)
    assert.match(r.stderr, /password is required/)
  })

  it('answers the sudo prompt with the password, which never reaches the output or the command', async () => {
    const seen: string[] = []
    const r = await pwConn.exec('id -un; cat', { become: { password: SUDO_PASSWORD }, stdin: 'payload', onOutput: (_s, c) => seen.push(c) })
    assert.deepEqual([r.rc, r.stdout, r.stderr], [0, 'root\npayload', ''])
    assert.ok(!seen.join('').includes(SUDO_PASSWORD))
  })

  it('says the become password was refused when it is wrong, and never shows it', async () => {
    const wrong = 'not-' + SUDO_PASSWORD
    const seen: string[] = []
    const t0 = Date.now()
    const r = await pwConn.exec('id -un', { become: { password: wrong }, onOutput: (_s, c) => seen.push(c) })
    assert.notEqual(r.rc, 0)
    assert.match(r.stderr, /sudo refused the become password/)
    const all = r.stdout + r.stderr + seen.join('') + sshd.log()
    assert.ok(!all.includes(wrong) && !all.includes(SUDO_PASSWORD))
    assert.ok(Date.now() - t0 < 8000)
  })

  it('puts a file as root with mode and owner, and reads it back through sudo', async () => {
    await npConn.exec('mkdir -p /etc/tsplay-become-test && chmod 700 /etc/tsplay-become-test', { become: {} })
    const path = '/etc/tsplay-become-test/conf'
    const data = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0])
    await pwConn.put(path, data, { become: { password: SUDO_PASSWORD }, mode: '0640', owner: 'root', group: withPw.name })
    const st = statSync(path)
    assert.equal(st.mode & 0o7777, 0o640)
    assert.equal(st.uid, 0)
    assert.deepEqual(readFileSync(path), data)
    assert.deepEqual(await pwConn.get(path, { become: { password: SUDO_PASSWORD } }), data)
    // The staging copy in /tmp is gone.
    assert.equal((await pwConn.exec('ls /tmp | grep -c tsplay-put || true')).stdout.trim(), '0')
  })

  it('puts a file as a non-root become user', async () => {
    await npConn.exec('mkdir -p /tmp/tsplay-become-nobody && chown nobody /tmp/tsplay-become-nobody', { become: {} })
    const path = '/tmp/tsplay-become-nobody/f'
    await npConn.put(path, 'hello', { become: { user: 'nobody' }, mode: 0o600 })
    assert.equal(statSync(path).uid, 65534)
    assert.equal(readFileSync(path, 'utf8'), 'hello')
    rmSync('/tmp/tsplay-become-nobody', { recursive: true, force: true })
  })

  it('never runs hostile put paths through the shell', async () => {
    // No slash in the payload, so the path stays in our folder; commands run in the login user's home.
    const path = "/etc/tsplay-become-test/x$(touch tsplay-pwned);'`touch tsplay-pwned`"
    await npConn.put(path, 'x', { become: {}, owner: 'root' })
    assert.equal(readFileSync(path, 'utf8'), 'x')
    for (const d of [noPw.home, '/', '/root']) assert.equal(existsSync(join(d, 'tsplay-pwned')), false)
  })
})
