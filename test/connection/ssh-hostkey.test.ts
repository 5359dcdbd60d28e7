// Host key verification against known_hosts with a real sshd: unknown, changed, accept-new, hashed, revoked.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { ConnectionSpec } from '../../src/connection/connection.js'
import { UnreachableError } from '../../src/connection/connection.js'
import { fingerprint } from '../../src/connection/known-hosts.js'
import { openSsh } from '../../src/connection/ssh.js'
import { createUser, makeKey, readPub, startSshd, type Sshd, type TestUser } from '../helpers/sshd.js'

delete process.env['SSH_AUTH_SOCK']

describe('ssh host key verification', () => {
  let sshd: Sshd
  let dir: string
  let user: TestUser
  let spec: ConnectionSpec
  let fp: string

  before(async () => {
    user = createUser('tsplay-hostkey')
    sshd = await startSshd()
    dir = await mkdtemp(join(tmpdir(), 'tsplay-ssh-hostkey-'))
    const key = makeKey(dir, 'id')
    sshd.authorize(user.name, readPub(key))
    spec = { name: 'mx1', transport: 'ssh', address: '127.0.0.1', port: sshd.port, user: user.name, privateKeyPath: key, sshConfigFile: '/dev/null' }
    fp = fingerprint(Buffer.from(sshd.knownHostsLine.split(' ')[2]!, 'base64'))
  })
  after(async () => {
    await sshd?.stop()
    await rm(dir, { recursive: true, force: true })
    user?.remove()
  })

  const connect = async (s: ConnectionSpec, opts = {}): Promise<void> => (await openSsh(s, opts)).close()
  const refusal = (s: ConnectionSpec, opts = {}): Promise<UnreachableError> =>
    openSsh(s, opts).then(
      () => assert.fail('connected'),
      (e: unknown) => (assert.ok(e instanceof UnreachableError, String(e)), e),
    )

  it('refuses an unknown host key, naming its SHA256 fingerprint and how to accept it', async () => {
    const kh = join(dir, 'empty_known_hosts')
    const err = await refusal({ ...spec, knownHostsFile: kh })
    assert.equal(err.reason, 'hostkey')
    assert.ok(err.message.includes(fp), err.message)
    assert.match(err.message, /--accept-new-host-keys/)
    assert.equal(sshd.acceptedCount(user.name), 0)
  })

  it('refuses a changed host key loudly, with the file, line and how to remove the old entry', async () => {
    const kh = join(dir, 'changed_known_hosts')
    const other = makeKey(dir, 'impostor')
    const otherPub = readPub(other).split(' ')
    writeFileSync(kh, `# a comment\nexample.org ssh-rsa AAAA\n[127.0.0.1]:${sshd.port} ${otherPub[0]} ${otherPub[1]}\n`)
    const err = await refusal({ ...spec, knownHostsFile: kh }, { acceptNewHostKeys: true })
    assert.equal(err.reason, 'hostkey')
    assert.match(err.message, /REMOTE HOST IDENTIFICATION HAS CHANGED/)
    assert.match(err.message, /man-in-the-middle/)
    assert.ok(err.message.includes(`${kh} line 3`), err.message)
    assert.ok(err.message.includes(`ssh-keygen -R '[127.0.0.1]:${sshd.port}'`), err.message)
    assert.ok(err.message.includes(fp))
  })

  it('records a new key with acceptNewHostKeys, and the next connection passes without it', async () => {
    const kh = join(dir, 'new_known_hosts')
    await connect({ ...spec, knownHostsFile: kh }, { acceptNewHostKeys: true })
    assert.match(readFileSync(kh, 'utf8'), /^\|1\|\S+\|\S+ ssh-ed25519 \S+\n$/)
    await connect({ ...spec, knownHostsFile: kh })
    // ssh itself agrees with what we wrote.
    const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${sshd.port}`, '-f', kh], { encoding: 'utf8' })
    assert.match(found, /ssh-ed25519/)
  })

  it('accepts a host listed by a hashed entry (ssh-keygen -H)', async () => {
    const kh = join(dir, 'hashed_known_hosts')
    writeFileSync(kh, sshd.knownHostsLine + '\n')
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' })
    assert.match(readFileSync(kh, 'utf8'), /^\|1\|/)
    await connect({ ...spec, knownHostsFile: kh })
  })

  it('accepts a plain entry among patterns and the knownHostsFile from ssh_config', async () => {
    const kh = join(dir, 'cfg_known_hosts')
    const [, type, b64] = sshd.knownHostsLine.split(' ')
    writeFileSync(kh, `other.example,[127.0.0.1]:${sshd.port} ${type} ${b64}\n`)
    const cfg = join(dir, 'ssh_config_kh')
    writeFileSync(cfg, `Host mx1\n  HostName 127.0.0.1\n  UserKnownHostsFile ${kh}\n`)
    await connect({ ...spec, address: undefined, sshConfigFile: cfg })
  })

  it('refuses a key marked @revoked even when the host is also listed', async () => {
    const kh = join(dir, 'revoked_known_hosts')
    const [, type, b64] = sshd.knownHostsLine.split(' ')
    writeFileSync(kh, `${sshd.knownHostsLine}\n@revoked * ${type} ${b64}\n`)
    const err = await refusal({ ...spec, knownHostsFile: kh })
    assert.equal(err.reason, 'hostkey')
    assert.match(err.message, /REVOKED/)
  })

  it('accepts new keys when ssh_config says StrictHostKeyChecking accept-new', async () => {
    const kh = join(dir, 'acceptnew_known_hosts')
    const cfg = join(dir, 'ssh_config_an')
    writeFileSync(cfg, `Host *\n  StrictHostKeyChecking accept-new\n`)
    await connect({ ...spec, knownHostsFile: kh, sshConfigFile: cfg })
    assert.match(readFileSync(kh, 'utf8'), /ssh-ed25519/)
  })
})
