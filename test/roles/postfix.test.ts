// The postfix role on the lab's `new`: ported from old's postconf -n with a new myhostname,
// --check changes nothing, a second run is a no-op, mail lands in ~/Maildir (also through a
// postmapped virtual map), and a bad setting never reaches /etc/postfix or the running postfix.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { labDown, labUp } from '../../src/lab/index.js'
import { skipReason } from '../lab/helpers.js'
import { changed, failures, hasDiff, onHost, play, readmeExample, waitFor, stopwatch } from './lab-play.js'
import { unlessCi } from '../helpers/skip.js'

const skip = unlessCi(skipReason())
const SNAPSHOT = 'find /etc/postfix -type f | sort | xargs md5sum; cat /var/spool/postfix/pid/master.pid'
const role = (extra = '') => `
- hosts: new
  gather_facts: false
  roles:
    - role: postfix
      postfix_import_from: old
      postfix_inet_interfaces: "{{ mail_new_ip }}, 127.0.0.1"
${extra}`

describe('postfix role', { skip }, () => {
  const { timings, timed } = stopwatch()
  before(async () => {
    await labDown()
    await timed('lab up', () => labUp({ mail: true, messagesPerUser: 1 }))
    // Settings only old has, to see them ported.
    await onHost('old', "postconf -e 'delay_warning_time = 4h' 'smtpd_helo_required = yes' && postfix reload 2>/dev/null")
    await onHost('new', 'useradd -m -u 3001 tester')
  })
  after(async () => {
    await labDown()
    console.log(`# postfix role timings: ${timings.join(', ')}`)
  })

  test('--check predicts the new main.cf with a diff and changes nothing on new', async () => {
    const before = await onHost('new', SNAPSHOT)
    const r = await timed('check run', () => play(role(), { check: true, diff: true }))
    assert.ok(changed(r) > 0)
    assert.ok(hasDiff(r, /main\.cf is live/), 'main.cf diff shown')
    assert.equal(await onHost('new', SNAPSHOT), before)
  })

  test("importing from old gives myhostname new.example.test and keeps old's other settings", async () => {
    const r = await timed('first run', () => play(role(), { diff: true }))
    assert.ok(changed(r) > 0)
    const conf = await onHost('new', 'postconf -h myhostname delay_warning_time smtpd_helo_required inet_interfaces home_mailbox')
    const [host, delay, helo, inet, mailbox] = conf.trim().split('\n')
    assert.deepEqual([host, delay, helo, mailbox], ['new.example.test', '4h', 'yes', 'Maildir/'])
    assert.match(inet!, /^10\.203\.\d+\.11, 127\.0\.0\.1$/, "the role's inet_interfaces, not old's address")
    assert.match(await onHost('new', 'tail -n 20 /var/log/postfix.log'), /reload -- version/, 'postfix was reloaded')
  })

  test('a second run changes nothing', async () => {
    const before = await onHost('new', SNAPSHOT)
    const r = await timed('second run', () => play(role()))
    assert.equal(changed(r), 0)
    assert.equal(await onHost('new', SNAPSHOT), before)
  })

  test('the README example works: mail to a user and to a virtual alias lands in ~/Maildir', async () => {
    const example = readmeExample('postfix').replace('alice', 'tester')
    const r = await timed('README run', () => play(example))
    assert.ok(changed(r) > 0)
    assert.match(await onHost('new', 'ls /etc/postfix/virtual.db && postconf -h inet_interfaces virtual_alias_maps'), /all\nhash:\/etc\/postfix\/virtual/)
    assert.equal(changed(await play(example)), 0, 'the example is idempotent too')
    const ip = (await onHost('new', 'hostname -i')).trim().split(' ')[0]!
    for (const to of ['tester@example.test', 'info@example.test']) {
      const subject = `role-probe-${to}-${Date.now()}`
      await onHost('client', `swaks --server ${ip} --to ${to} --from probe@client.example.test --header 'Subject: ${subject}' --silent 2`)
      await waitFor(`mail to ${to} in ~tester/Maildir`, async () => {
        const g = await onHost('new', `grep -l 'Subject: ${subject}' /home/tester/Maildir/new/* 2>/dev/null || true`)
        return g.trim() !== ''
      })
    }
  })

  test('a bad setting fails the role and never reaches /etc/postfix or the running postfix', async () => {
    const before = await onHost('new', SNAPSHOT)
    const bad = await timed('bad value run', () => play(role('      postfix_extra_settings: {default_process_limit: banana}')))
    assert.notEqual(bad.code, 0)
    assert.match(failures(bad).join('\n'), /postfix -c \/etc\/postfix\/tsplay-staging check/)
    const typo = await play(role('      postfix_extra_settings: {mydestinaton: example.test}'))
    assert.notEqual(typo.code, 0)
    assert.match(failures(typo).join('\n'), /parameters postfix does not know.*mydestinaton=example\.test/)
    const after = await onHost('new', SNAPSHOT)
    const live = (s: string) => s.split('\n').filter((l) => !l.includes('tsplay-staging')).join('\n')
    assert.equal(live(after), live(before), 'live files and master pid unchanged')
    // postfix status exits 0 only when the master runs; the live default_process_limit is untouched.
    assert.equal((await onHost('new', 'postfix status && postconf -h default_process_limit')).trim(), '100')
  })
})
