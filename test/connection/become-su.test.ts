// become_method: su over SSH as a non-root login user (su asks for the target user's password) and
// locally as root, on real accounts; a playbook picks su from the keyword and the password vars.
import assert from 'node:assert/strict'
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Connection } from '../../src/connection/connection.js'
import { LocalConnection } from '../../src/connection/local.js'
import { openSsh } from '../../src/connection/ssh.js'
import { runIn, writeTree } from '../helpers/run-playbook.js'
import { createUser, makeKey, readPub, startSshd, type Sshd, type TestUser } from '../helpers/sshd.js'

delete process.env['SSH_AUTH_SOCK']
const TARGET_PASSWORD = 'su-pw-9Kp"$y \'q'

describe('become_method su', () => {
  let sshd: Sshd
  let dir: string
  let login: TestUser
  let target: TestUser
  let conn: Connection

  before(async () => {
    login = createUser('tsplay-sulogin')
    target = createUser('tsplay-sutarget', TARGET_PASSWORD)
    sshd = await startSshd()
    dir = await mkdtemp(join(tmpdir(), 'tsplay-become-su-'))
    const key = makeKey(dir, 'id')
    sshd.authorize(login.name, readPub(key))
    writeFileSync(join(dir, 'kh'), sshd.knownHostsLine + '\n')
    conn = await openSsh({ transport: 'ssh', name: 'su', address: '127.0.0.1', port: sshd.port, user: login.name, privateKeyPath: key, knownHostsFile: join(dir, 'kh'), sshConfigFile: '/dev/null' })
  })
  after(async () => {
    await conn?.close()
    await sshd?.stop()
    await rm(dir, { recursive: true, force: true })
    login?.remove()
    target?.remove()
  })

  it('answers su\'s prompt with the password; env, cwd and stdin reach the command, the password never does', async () => {
    const seen: string[] = []
    const r = await conn.exec('id -un; printf "%s %s " "$X" "$(pwd)"; cat', { become: { method: 'su', user: target.name, password: TARGET_PASSWORD }, env: { X: 'x y' }, cwd: '/tmp', stdin: 'in', onOutput: (_s, c) => seen.push(c) })
    assert.deepEqual([r.rc, r.stdout, r.stderr], [0, `${target.name}\nx y /tmp in`, ''])
    assert.ok(!seen.join('').includes(TARGET_PASSWORD))
  })

  it('says su refused the password when it is wrong, and never shows it', async () => {
    const wrong = 'not-' + TARGET_PASSWORD
    const r = await conn.exec('id -un', { become: { method: 'su', user: target.name, password: wrong } })
    assert.notEqual(r.rc, 0)
    assert.match(r.stderr, /su refused the become password/)
    assert.ok(!(r.stdout + r.stderr + sshd.log()).includes(wrong))
  })

  it('fails at su\'s prompt without waiting when no password is given', async () => {
    const r = await conn.exec('id -un', { become: { method: 'su', user: target.name } })
    assert.notEqual(r.rc, 0)
    assert.match(r.stderr, /su asks for a password/)
  })

  it('puts a file as the su user', async () => {
    const path = join(target.home, 'from-su')
    await conn.put(path, 'hello', { become: { method: 'su', user: target.name, password: TARGET_PASSWORD }, mode: 0o600 })
    assert.equal(readFileSync(path, 'utf8'), 'hello')
    assert.equal(statSync(path).mode & 0o777, 0o600)
    const uid = Number(readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${target.name}:`))!.split(':')[2])
    assert.equal(statSync(path).uid, uid)
  })

  it('locally as root, su needs no password', async () => {
    const local = new LocalConnection()
    const r = await local.exec('id -un; cat', { become: { method: 'su', user: target.name }, stdin: 'in' })
    assert.deepEqual([r.rc, r.stdout], [0, `${target.name}\nin`])
  })

  it('a playbook with become_method: su and ansible_become_password runs the task as the user', async () => {
    const d = writeTree({
      'hosts.yml': `all:\n  hosts:\n    box:\n      ansible_host: 127.0.0.1\n      ansible_port: ${sshd.port}\n      ansible_user: ${login.name}\n      ansible_ssh_private_key_file: ${join(dir, 'id')}\n      tsplay_known_hosts: ${join(dir, 'kh')}\n      tsplay_ssh_config: /dev/null\n      ansible_become_password: ${JSON.stringify(TARGET_PASSWORD)}\n`,
      'playbook.yml': `- hosts: box\n  gather_facts: false\n  become: true\n  become_method: su\n  become_user: ${target.name}\n  tasks:\n    - command: id -un\n      register: who\n    - assert:\n        that: who.stdout == '${target.name}'\n`,
    })
    try {
      const run = await runIn(d, { inventory: join(d, 'hosts.yml') })
      assert.equal(run.code, 0, JSON.stringify(run.events.filter((e) => e.kind === 'task-result')))
      assert.equal(run.stats.box?.failed, 0)
    } finally {
      rmSync(d, { recursive: true, force: true })
    }
  })
})
