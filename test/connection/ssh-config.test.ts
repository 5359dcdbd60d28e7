// ssh_config honoured (HostName, User, Port, IdentityFile with ~, ProxyJump) against two real sshds.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openSsh } from '../../src/connection/ssh.js'
import { resolveSshConfig } from '../../src/connection/ssh-config.js'
import { createUser, makeKey, readPub, startSshd, type Sshd, type TestUser } from '../helpers/sshd.js'

delete process.env['SSH_AUTH_SOCK']

describe('ssh_config and ProxyJump', () => {
  let bastion: Sshd
  let target: Sshd
  let dir: string
  let user: TestUser
  let cfg: string
  let homeDir: string

  before(async () => {
    user = createUser('tsplay-jump')
    bastion = await startSshd()
    target = await startSshd()
    dir = await mkdtemp(join(tmpdir(), 'tsplay-ssh-config-'))
    // This key lives under $HOME so the config can name it with ~ and prove the expansion.
    homeDir = await mkdtemp(join(homedir(), '.tsplay-test-'))
    const jumpKey = makeKey(homeDir, 'jump_key')
    const targetKey = makeKey(dir, 'target_key')
    bastion.authorize(user.name, readPub(jumpKey))
    target.authorize(user.name, readPub(targetKey))
    writeFileSync(join(dir, 'kh'), `${bastion.knownHostsLine}\n${target.knownHostsLine}\n`)
    cfg = join(dir, 'ssh_config')
    const tilde = (p: string): string => '~/' + relative(homedir(), p)
    writeFileSync(
      cfg,
      [
        'Host bastion',
        '  HostName 127.0.0.1',
        `  Port ${bastion.port}`,
        `  User ${user.name}`,
        `  IdentityFile ${tilde(jumpKey)}`,
        'Host inner-*',
        '  HostName 127.0.0.1',
        `  Port ${target.port}`,
        `  User ${user.name}`,
        `  IdentityFile ${targetKey}`,
        '  ProxyJump bastion',
        `  UserKnownHostsFile ${join(dir, 'kh')}`,
        'Host *',
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    )
  })
  after(async () => {
    await bastion?.stop()
    await target?.stop()
    await rm(dir, { recursive: true, force: true })
    if (homeDir) await rm(homeDir, { recursive: true, force: true })
    user?.remove()
  })

  it('resolves HostName, Port, User, IdentityFile (~ expanded) and ProxyJump for a host', () => {
    const c = resolveSshConfig({ host: 'inner-db', configFile: cfg })
    assert.deepEqual(
      [c.hostName, c.port, c.user, c.proxyJump, c.strictHostKeyChecking, c.explicitIdentity],
      ['127.0.0.1', target.port, user.name, 'bastion', 'yes', true],
    )
    const b = resolveSshConfig({ host: 'bastion', configFile: cfg })
    assert.equal(b.identityFiles[0], join(homeDir, 'jump_key'))
    // Inventory values win over the file, like ssh -l/-p.
    assert.equal(resolveSshConfig({ host: 'inner-db', user: 'admin', port: 2200, configFile: cfg }).user, 'admin')
  })

  it('reaches the target through the bastion with forwardOut, one login on each server', async () => {
    const conn = await openSsh({ name: 'inner-db', transport: 'ssh', sshConfigFile: cfg })
    try {
      for (let i = 0; i < 20; i++) assert.equal((await conn.exec('echo $SSH_CONNECTION | cut -d" " -f4')).stdout.trim(), String(target.port))
      const data = Buffer.alloc(1024 * 1024, 7)
      await conn.put(join(user.home, 'via-jump'), data)
      assert.ok((await conn.get(join(user.home, 'via-jump'))).equals(data))
    } finally {
      await conn.close()
    }
    assert.equal(bastion.acceptedCount(user.name), 1)
    assert.equal(target.acceptedCount(user.name), 1)
    // The bastion only forwarded: it never ran a session for us.
    assert.doesNotMatch(bastion.log(), /Starting session/)
  })

  it('uses an inventory proxyJump spec ([user@]host:port) over the config', async () => {
    const conn = await openSsh({
      name: 'inner-x', transport: 'ssh', sshConfigFile: cfg, proxyJump: `${user.name}@bastion:${bastion.port}`,
    })
    assert.equal((await conn.exec('id -un')).stdout.trim(), user.name)
    await conn.close()
  })
})
