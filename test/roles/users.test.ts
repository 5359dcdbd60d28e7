// The users role on the lab: old's mail users appear on new with the same uid/gid/hash, a uid
// clash stops it before any change, aliases merge, --check changes nothing, a second run is a no-op.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { labDown, labUp, MAIL_USERS } from '../../src/lab/index.js'
import { skipReason } from '../lab/helpers.js'
import { changed, failures, hasDiff, onHost, play, readmeExample, stopwatch } from './lab-play.js'
import { unlessCi } from '../helpers/skip.js'

const skip = unlessCi(skipReason())
const ACCOUNTS = `grep -E '^(alice|bob|carol|dave):' /etc/passwd /etc/group /etc/shadow | sed 's,^/etc/[a-z]*:,,'`
const SNAPSHOT = `md5sum /etc/passwd /etc/group /etc/shadow /etc/aliases; ls -la --time-style=full-iso /home`
const ROLE = `
- hosts: new
  gather_facts: false
  roles:
    - role: users
      users_uid_min: 2000
      users_uid_max: 2999
`

describe('users role', { skip }, () => {
  const { timings, timed } = stopwatch()
  before(async () => {
    await labDown()
    await timed('lab up', () => labUp({ mail: true, messagesPerUser: 2 }))
  })
  after(async () => {
    await labDown()
    console.log(`# users role timings: ${timings.join(', ')}`)
  })

  test('a uid new already gives to another name stops the role before any change, naming both', async () => {
    await onHost('new', 'useradd -u 2001 -M dave')
    const before = await onHost('new', SNAPSHOT)
    const r = await timed('clash run', () => play(ROLE))
    assert.notEqual(r.code, 0)
    const msg = failures(r).join('\n')
    assert.match(msg, /uid 2001 is alice on old but dave on new/)
    assert.match(msg, /gid 2001 is group alice on old but group dave on new/)
    assert.equal(Object.values(r.stats).reduce((n, s) => n + s.changed, 0), 0)
    assert.equal(await onHost('new', SNAPSHOT), before, 'passwd, group, shadow, aliases and /home untouched')
    await onHost('new', 'userdel dave')
  })

  test('--check predicts the groups, the users with their groups, and their hashes, and changes nothing on new', async () => {
    const before = await onHost('new', SNAPSHOT)
    const r = await timed('check run', () => play(ROLE, { check: true, diff: true }))
    const predicted = new Set(r.events.flatMap((e) => (e.kind === 'task-result' && e.result.status === 'changed' ? [e.task] : [])))
    for (const t of ['Mail groups exist with the gid', 'Mail users exist with the uid, groups, home and shell', 'Mail users have the password hash'])
      assert.ok([...predicted].some((p) => p.includes(t)), `--check predicts '${t}' (it predicted: ${[...predicted].join('; ')})`)
    assert.ok(hasDiff(r, /Mail users exist/), 'the diff shows the users to create')
    assert.equal(await onHost('new', SNAPSHOT), before)
  })

  test('the README example creates alice, bob and carol on new with the uid, gid and hash of old', async () => {
    await onHost('old', `printf '# site aliases\\npostmaster: root\\ninfo: alice,\\n  bob\\nabuse: carol\\n' > /etc/aliases`)
    await onHost('new', `printf 'postmaster: admin\\nlocalonly: root\\nabuse: root\\n' > /etc/aliases`)
    const r = await timed('first run', () => play(readmeExample('users'), { diff: true }))
    assert.equal(changed(r), 5, 'groups, users, hashes, aliases file, newaliases')
    assert.ok(hasDiff(r, /aliases file/), 'the aliases diff is shown')
    const oldAccounts = await onHost('old', ACCOUNTS)
    assert.equal(await onHost('new', ACCOUNTS), oldAccounts, 'same passwd, group and shadow lines (hash included)')
    for (const u of MAIL_USERS) assert.match(oldAccounts, new RegExp(`^${u.name}:x:${u.uid}:${u.uid}:`, 'm'))
    // Reporters censor no_log results; every other event must not carry a hash.
    const shown = r.events.filter((e) => !(e.kind === 'task-result' && e.noLog) && JSON.stringify(e).includes('$y$'))
    assert.deepEqual(shown, [], 'no shown event carries a password hash')
  })

  test('aliases are merged: old wins per name, entries only new has are kept, newaliases ran', async () => {
    const aliases = await onHost('new', 'cat /etc/aliases')
    assert.equal(aliases, '# site aliases\npostmaster: root\ninfo: alice,\n  bob\nabuse: carol\n# kept from new (not in the aliases of old)\nlocalonly: root\n')
    assert.equal((await onHost('new', 'postalias -q info hash:/etc/aliases')).trim(), 'alice, bob', 'the alias database was rebuilt')
  })

  test('a second run changes nothing, and --check after it predicts nothing', async () => {
    const before = await onHost('new', SNAPSHOT)
    const r = await timed('second run', () => play(readmeExample('users')))
    assert.equal(changed(r), 0)
    const c = await play(ROLE, { check: true })
    assert.equal(changed(c), 0)
    assert.equal(await onHost('new', SNAPSHOT), before)
  })

  test('the role refuses a wrong argument before it runs', async () => {
    const r = await play(ROLE.replace('users_uid_max: 2999', 'users_uid_max: 2999\n      users_aliases: mix'))
    assert.notEqual(r.code, 0)
    assert.match(failures(r).join('\n'), /users_aliases/)
  })
})
