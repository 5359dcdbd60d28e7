// Vault data used by real playbook runs over the local connection.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { encrypt } from '../../src/vault/cipher.js'
import { withVault } from '../../src/vault/session.js'
import { runIn, runInline, writeTree } from '../helpers/run-playbook.js'
import { PASSWORD, SECRET, session, vaultValue } from './helpers.js'

const writeSecretTask = `    - shell: printf %s '{{ db_password }}' > {{ dir }}/out\n`

test('an encrypted vars_file is decrypted and its values used by the tasks', async () => {
  const r = await withVault(session(), () =>
    runInline({
      'playbook.yml': `- hosts: localhost\n  gather_facts: false\n  vars_files:\n    - secrets.yml\n  tasks:\n${writeSecretTask}`,
      'secrets.yml': encrypt(`db_password: ${SECRET}\n`, PASSWORD),
    }),
  )
  assert.equal(r.code, 0)
  assert.equal(readFileSync(join(r.dir, 'out'), 'utf8'), SECRET)
})

test('a !vault value in group_vars is used by the tasks', async () => {
  const dir = writeTree({
    'playbook.yml': `- hosts: mx1\n  gather_facts: false\n  tasks:\n${writeSecretTask}`,
    'inv/hosts.yml': 'all:\n  hosts:\n    mx1: { tsplay_connection: local }\n',
    'inv/group_vars/all.yml': `mail_user: vmail\n${vaultValue('db_password', SECRET)}`,
  })
  const r = await withVault(session(), () => runIn(dir, { inventory: join(dir, 'inv') }))
  assert.equal(r.code, 0)
  assert.equal(readFileSync(join(dir, 'out'), 'utf8'), SECRET)
})

test('role defaults may hold !vault values', async () => {
  const r = await withVault(session(), () =>
    runInline({
      'playbook.yml': '- hosts: localhost\n  gather_facts: false\n  roles:\n    - db\n',
      'roles/db/defaults/main.yml': vaultValue('db_password', SECRET),
      'roles/db/tasks/main.yml': `- shell: printf %s '{{ db_password }}' > {{ dir }}/out\n`,
    }),
  )
  assert.equal(r.code, 0)
  assert.equal(readFileSync(join(r.dir, 'out'), 'utf8'), SECRET)
})

test('a run without the password stops before touching a host, naming the value', async () => {
  await assert.rejects(
    withVault(session(null), () =>
      runInline({ 'playbook.yml': `- hosts: localhost\n  gather_facts: false\n  vars:\n    x: 1\n  vars_files: [secrets.yml]\n  tasks:\n${writeSecretTask}`, 'secrets.yml': vaultValue('db_password', SECRET) }),
    ),
    /secrets\.yml:1: a vault-encrypted value needs a password/,
  )
})
