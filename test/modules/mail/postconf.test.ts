// postconf for real on this machine's postfix, pointed at a main.cf of the test's own (-c): the
// settings come back as a map in --check as in a real run, expanded or as written.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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
