// Authentication against a real sshd: key, agent, password, encrypted key, keyboard-interactive.
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { ConnectionSpec } from '../../src/connection/connection.js'
import { UnreachableError } from '../../src/connection/connection.js'
import { openSsh } from '../../src/connection/ssh.js'
import { createUser, makeKey, readPub, startSshd, type Sshd, type TestUser } from '../helpers/sshd.js'

delete process.env['SSH_AUTH_SOCK']
const PASSWORD = 'S3cret pass\'"$(x)'

describe('ssh authentication', () => {
  let sshd: Sshd
  let kbd: Sshd
  let dir: string
  let user: TestUser
  let base: ConnectionSpec

  before(async () => {
    user = createUser('tsplay-auth', PASSWORD)
    sshd = await startSshd()
    // keyboard-interactive needs PAM on Linux; this server offers nothing else.
    kbd = await startSshd({ config: ['UsePAM yes', 'PasswordAuthentication no', 'KbdInteractiveAuthentication yes', 'PubkeyAuthentication no'] })
    dir = await mkdtemp(join(tmpdir(), 'tsplay-ssh-auth-'))
    writeFileSync(join(dir, 'kh'), `${sshd.knownHostsLine}\n${kbd.knownHostsLine}\n`)
    base = {
      name: 'mail1', transport: 'ssh', address: '127.0.0.1', port: sshd.port, user: user.name,
      knownHostsFile: join(dir, 'kh'), sshConfigFile: '/dev/null',
    }
  })
  after(async () => {
    await sshd?.stop()
    await kbd?.stop()
    await rm(dir, { recursive: true, force: true })
    user?.remove()
  })

  const whoami = async (spec: ConnectionSpec, opts = {}): Promise<string> => {
    const c = await openSsh(spec, opts)
    try {
      return (await c.exec('id -un')).stdout.trim()
    } finally {
      await c.close()
    }
  }

  it('logs in with a private key file', async () => {
    const key = makeKey(dir, 'plain')
    sshd.authorize(user.name, readPub(key))
    assert.equal(await whoami({ ...base, privateKeyPath: key }), user.name)
    assert.match(sshd.log(), /Accepted publickey for tsplay-auth/)
  })

  it('logs in through ssh-agent found via SSH_AUTH_SOCK', async () => {
    const key = makeKey(dir, 'agented')
    sshd.authorize(user.name, readPub(key))
    const sock = join(dir, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' })
    try {
      for (let i = 0; i < 50; i++) {
        try {
          execFileSync('ssh-add', [key], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' })
          break
        } catch {
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      process.env['SSH_AUTH_SOCK'] = sock
      const before = sshd.log().split('\n').length
      // No key file and no password: only the agent can get us in.
      assert.equal(await whoami(base), user.name)
      assert.match(sshd.log().split('\n').slice(before).join('\n'), /Accepted publickey for tsplay-auth/)
    } finally {
      delete process.env['SSH_AUTH_SOCK']
      agent.kill('SIGTERM')
    }
  })

  it('logs in with a password and never shows it in errors', async () => {
    assert.equal(await whoami({ ...base, password: PASSWORD }), user.name)
    assert.match(sshd.log(), /Accepted password for tsplay-auth/)
    const err = await openSsh({ ...base, password: 'wrong-' + PASSWORD }).catch((e) => e)
    assert.ok(err instanceof UnreachableError)
    assert.equal(err.reason, 'auth')
    assert.ok(!err.message.includes(PASSWORD) && !String(err.stack).includes(PASSWORD))
  })

  it('decrypts an encrypted key with the passphrase from the spec or from the prompt', async () => {
    const key = makeKey(dir, 'locked', 'horse battery')
    sshd.authorize(user.name, readPub(key))
    assert.match(readFileSync(key, 'utf8'), /OPENSSH PRIVATE KEY/)
    assert.equal(await whoami({ ...base, privateKeyPath: key, privateKeyPassphrase: 'horse battery' }), user.name)
    const asked: string[] = []
    const prompt = async (q: string, secret: boolean): Promise<string> => (asked.push(`${secret}:${q}`), 'horse battery')
    assert.equal(await whoami({ ...base, privateKeyPath: key }, { prompt }), user.name)
    assert.deepEqual(asked, [`true:Enter passphrase for key '${key}': `])
  })

  it('explains an auth failure caused by a wrong key passphrase', async () => {
    const key = join(dir, 'locked')
    const err = await openSsh({ ...base, privateKeyPath: key, privateKeyPassphrase: 'nope' }).catch((e) => e)
    assert.equal(err.reason, 'auth')
    assert.match(err.message, /wrong passphrase/)
  })

  it('answers keyboard-interactive with the password, or asks the prompt callback', async () => {
    const spec = { ...base, port: kbd.port }
    assert.equal(await whoami({ ...spec, password: PASSWORD }), user.name)
    const asked: string[] = []
    const prompt = async (q: string): Promise<string> => (asked.push(q), PASSWORD)
    assert.equal(await whoami(spec, { prompt }), user.name)
    assert.equal(asked.length, 1)
    assert.match(asked[0]!, /password/i)
    assert.match(kbd.log(), /Accepted keyboard-interactive\/pam for tsplay-auth/)
  })
})
