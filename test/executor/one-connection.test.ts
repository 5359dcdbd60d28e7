// A playbook over SSH rides one connection per host for the whole run (issue 3's promise),
// counted on a real sshd's own log; and the free strategy lets a fast host run ahead.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runIn, writeTree } from '../helpers/run-playbook.js'
import { createUser, makeKey, readPub, startSshd, type Sshd, type TestUser } from '../helpers/sshd.js'

let sshd: Sshd
let user: TestUser
let dir: string

before(async () => {
  // A plain /bin/sh user: root's shell on this machine sources a slow ~/.bashrc per login.
  user = createUser('tsplay-onecon')
  sshd = await startSshd()
  dir = writeTree({})
  const key = makeKey(dir, 'id')
  sshd.authorize(user.name, readPub(key))
  writeFileSync(join(dir, 'known_hosts'), sshd.knownHostsLine + '\n')
  writeFileSync(
    join(dir, 'hosts.yml'),
    `all:\n  hosts:\n    web1:\n      tsplay_host: 127.0.0.1\n      tsplay_port: ${sshd.port}\n      tsplay_user: ${user.name}\n      tsplay_private_key_file: ${join(dir, 'id')}\n      tsplay_known_hosts: ${join(dir, 'known_hosts')}\n      tsplay_ssh_config: /dev/null\n`,
  )
})

after(async () => {
  await sshd?.stop()
  user?.remove()
})

test('a playbook of 100 command tasks on one host opens exactly one SSH connection', async () => {
  const tasks = Array.from({ length: 100 }, (_, i) => `    - command: echo ${i}\n      changed_when: false\n`).join('')
  writeFileSync(join(dir, 'playbook.yml'), `- hosts: web1\n  gather_facts: true\n  tasks:\n${tasks}`)
  const before = sshd.acceptedCount(user.name)
  const run = await runIn(dir, { inventory: join(dir, 'hosts.yml') })
  assert.equal(run.code, 0)
  assert.equal(run.stats.web1?.ok, 101)
  assert.equal(sshd.acceptedCount(user.name) - before, 1, sshd.log())
})

test('with strategy: free a fast host finishes its tasks while a slow one is still busy', async () => {
  const d = writeTree({
    'inv.yml': `all:\n  hosts:\n    slow: { tsplay_connection: local, pause: 1 }\n    fast: { tsplay_connection: local, pause: 0 }\n`,
    'playbook.yml': `- hosts: all\n  gather_facts: false\n  strategy: free\n  tasks:\n    - shell: sleep {{ pause }}; echo {{ inventory_hostname }}-1 >> {{ dir }}/order\n      changed_when: false\n    - shell: echo {{ inventory_hostname }}-2 >> {{ dir }}/order\n      changed_when: false\n`,
  })
  const run = await runIn(d, { inventory: join(d, 'inv.yml') })
  assert.equal(run.code, 0)
  const order = readFileSync(join(d, 'order'), 'utf8').trim().split('\n')
  assert.ok(order.indexOf('fast-2') < order.indexOf('slow-1'), order.join(' '))
})
