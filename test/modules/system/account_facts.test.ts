// account_facts reads this machine's real accounts: root's uid, group and shadow hash, the
// aliases file, and it is the same in --check (it only reads).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { unlessCi } from '../../helpers/skip.js'
import { run } from './helpers.js'

test('account_facts reads root with its shadow hash, the same in --check', { skip: unlessCi(process.getuid?.() !== 0 && 'needs root to read shadow') }, async () => {
  const args = { names: ['root'], uid_min: 0, uid_max: 0, aliases_file: '/etc/aliases' }
  const real = await run('account_facts', args)
  const checked = await run('account_facts', args, { check: true })
  assert.equal(real.status, 'ok', real.msg)
  assert.deepEqual(checked, { ...real, durationMs: checked.durationMs })
  const users = real.data.users as Array<Record<string, unknown>>
  assert.equal(users[0]!.uid, 0)
  assert.equal(users[0]!.group, 'root')
  const hash = execFileSync('getent', ['shadow', 'root'], { encoding: 'utf8' }).split(':')[1]
  assert.deepEqual(real.data.hashes, { root: hash })
  assert.equal(real.data.aliases, existsSync('/etc/aliases') ? readFileSync('/etc/aliases').toString('base64') : null)
})
