// postconf and postfix_virtual for real on this machine's postfix, pointed at a main.cf of the test's own (-c): the
// settings come back as a map in --check as in a real run, expanded or as written.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runner } from '../real-run.js'

const run = runner()
const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-postconf-'))
writeFileSync(join(dir, 'main.cf'), 'myhostname = mx.example.org\nvirtual_mailbox_base = /var/vmail\nmydestination = $myhostname, localhost\nrelayhost =\n')
writeFileSync(join(dir, 'master.cf'), '')
after(() => rmSync(dir, { recursive: true, force: true }))

test('postconf reads the settings main.cf sets, in --check as in a real run', async () => {
  for (const check of [true, false]) {
    const r = await run('postconf', { config_dir: dir, non_default: true }, { check })
    assert.equal(r.status, 'ok')
    assert.deepEqual(r.data.settings, { myhostname: 'mx.example.org', virtual_mailbox_base: '/var/vmail', mydestination: '$myhostname, localhost', relayhost: '' })
    assert.equal(r.msg, 'read 4 postfix settings')
  }
})

test('postconf expands the named settings, and leaves out a name postfix does not know', async () => {
  const r = await run('postconf', { config_dir: dir, keys: ['mydestination', 'queue_directory', 'tsplay_no_such_setting'], expand: true })
  assert.equal(r.status, 'ok')
  const settings = r.data.settings as Record<string, string>
  assert.equal(settings.mydestination, 'mx.example.org, localhost')
  assert.match(settings.queue_directory ?? '', /^\//)
  assert.deepEqual(Object.keys(settings), ['mydestination', 'queue_directory'])
})

test('postconf on a configuration folder that does not exist fails the task', async () => {
  const r = await run('postconf', { config_dir: join(dir, 'missing') })
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /reading postfix's settings/)
})

test('postfix_virtual reads the virtual mailbox layout: maps, base, static uid and its account, each mailbox', async () => {
  const vdir = join(dir, 'virtual')
  rmSync(vdir, { recursive: true, force: true })
  mkdirSync(vdir)
  writeFileSync(join(vdir, 'vmailbox'), '# mailboxes\nalice@example.test  example.test/alice/\n\nbob@example.test example.test/bob/ extra\nnot-a-box@example.test /dev/null\n')
  writeFileSync(join(vdir, 'valias'), 'postmaster@example.test alice@example.test\n')
  execFileSync('postconf', ['-c', dir, '-e', `virtual_mailbox_maps = hash:${vdir}/vmailbox`, 'virtual_mailbox_base = /var/vmail', 'virtual_uid_maps = static:0', 'virtual_gid_maps = static:8', `virtual_alias_maps = texthash:${vdir}/valias, hash:${vdir}/missing`])
  for (const check of [true, false]) {
    const r = await run('postfix_virtual', { config_dir: dir }, { check })
    assert.equal(r.status, 'ok', r.msg)
    assert.deepEqual(
      { maps: r.data.maps, base: r.data.base, uid: r.data.uid, gid: r.data.gid, user: r.data.user, files: r.data.files, boxes: r.data.boxes },
      {
        maps: `hash:${vdir}/vmailbox`,
        base: '/var/vmail',
        uid: '0',
        gid: '8',
        user: 'root',
        files: [`${vdir}/vmailbox`, `${vdir}/valias`, `${vdir}/missing`],
        boxes: { 'alice@example.test': '/var/vmail/example.test/alice', 'bob@example.test': '/var/vmail/example.test/bob' },
      },
    )
    assert.equal(r.msg, '2 virtual mailboxes under /var/vmail')
  }
})

test('postfix_virtual says so when postfix delivers to no virtual mailboxes', async () => {
  execFileSync('postconf', ['-c', dir, '-X', 'virtual_mailbox_maps', 'virtual_alias_maps'])
  const r = await run('postfix_virtual', { config_dir: dir })
  assert.equal(r.status, 'ok')
  assert.equal(r.data.maps, '')
  assert.deepEqual(r.data.files, [])
  assert.equal(r.msg, 'postfix delivers to no virtual mailboxes')
})

test('postconf reads the settings a main.cf text gives (a template before it goes live), in --check as in a real run', async () => {
  for (const check of [true, false]) {
    const r = await run('postconf', { main_cf: 'inet_interfaces = loopback-only\nalias_maps = hash:/etc/aliases\n', keys: ['alias_maps', 'inet_interfaces', 'inet_protocols'] }, { check })
    assert.equal(r.status, 'ok', r.msg)
    const settings = r.data.settings as Record<string, string>
    assert.equal(settings.alias_maps, 'hash:/etc/aliases')
    assert.equal(settings.inet_interfaces, 'loopback-only')
    assert.ok(settings.inet_protocols, 'a setting main.cf leaves out comes with its default')
  }
  const r = await run('postconf', { main_cf: 'myhostname = staged.example.org\n', non_default: true })
  assert.deepEqual(r.data.settings, { myhostname: 'staged.example.org' })
})
