// account_check and aliases_compare for real on this machine: account_check reads its own
// /etc/passwd and /etc/group (root is uid 0 everywhere), aliases_compare a temp aliases file;
// both only read, so --check gives the same answer as a real run.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-aliases-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('account_check lists a uid held by another name, a name with another id and a group nobody has', async () => {
  const args = {
    source: 'old',
    users: [
      { name: 'tsplay-t-mallory', uid: 0, group: 'root' },
      { name: 'root', uid: 4242, group: 'root' },
      { name: 'tsplay-t-alice', uid: 64999, group: 'tsplay-t-staff', groups: ['tsplay-t-mail'] },
    ],
    groups: [{ name: 'tsplay-t-mail', gid: 64998 }],
  }
  for (const check of [true, false]) {
    const r = await run('account_check', args, { check })
    assert.equal(r.status, 'ok')
    assert.deepEqual(r.data.clashes, [
      'uid 0 is tsplay-t-mallory on old but root on localhost',
      'user root is uid 4242 on old but uid 0 on localhost',
      'group tsplay-t-staff (a group of tsplay-t-alice on old, gid outside the mail range) does not exist on localhost',
    ])
  }
})

test('account_check finds no clash for accounts this host has with the same ids, or does not have', async () => {
  const r = await run('account_check', { source: 'old', users: [{ name: 'root', uid: 0, group: 'root' }, { name: 'tsplay-t-bob', uid: 64997, group: 'root' }], groups: [{ name: 'root', gid: 0 }] })
  assert.deepEqual(r.data.clashes, [])
  assert.equal(r.msg, 'no clash between the 2 users and 1 groups of old and localhost')
})

test("aliases_compare merges the other host's file with this host's other entries, and lists what this host lacks", async () => {
  const here = join(dir, 'aliases')
  writeFileSync(here, '# local\npostmaster: root\nWebmaster: alice,\n  bob\n\nlocalonly: carol\n')
  const other = 'postmaster: admin\nerinlist: erin\n  , frank\nwebmaster: dave'
  for (const check of [true, false]) {
    const r = await run('aliases_compare', { content: other, path: here, source: 'old' }, { check })
    assert.equal(r.status, 'ok')
    assert.equal(r.data.merged, 'postmaster: admin\nerinlist: erin\n  , frank\nwebmaster: dave\n# kept from localhost (not in the aliases of old)\nlocalonly: carol\n')
    assert.equal(r.data.missing, 'erinlist: erin\n  , frank\n')
    assert.deepEqual(r.data.missing_names, ['erinlist'])
  }
  const none = await run('aliases_compare', { content: other, path: join(dir, 'missing'), source: 'old' })
  assert.deepEqual(none.data.missing_names, ['postmaster', 'erinlist', 'webmaster'], 'a missing file has no entries')
  assert.equal(none.data.merged, other + '\n')
})
