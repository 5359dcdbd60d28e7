// mail_config_refs for real on this machine (its postfix, its accounts): what the configuration
// refers to comes back in --check as in a real run, sorted once each, with the existing files in
// the tar; the delivery-only read takes the known refs first and reports none missing.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runner } from '../real-run.js'

const run = runner()
const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-refs-'))
after(() => rmSync(dir, { recursive: true, force: true }))

interface Ref { kind: string; where: string; path: string; exists: boolean }

/** The names in a base64 tar. */
const tarNames = (b64: string): string[] => (b64 === '' ? [] : execFileSync('tar', ['-tPf', '-'], { input: Buffer.from(b64, 'base64') }).toString().split('\n').filter(Boolean))

test("mail_config_refs reads the host's configuration, in --check as in a real run: refs once each, the existing ones in the tar, master.cf", async () => {
  for (const check of [true, false]) {
    const r = await run('mail_config_refs', {}, { check })
    assert.equal(r.status, 'ok', r.msg)
    const refs = r.data.refs as Ref[]
    assert.equal(new Set(refs.map((x) => x.path)).size, refs.length, 'each path once')
    assert.deepEqual(tarNames(r.data.tar as string).sort(), refs.filter((x) => x.exists).map((x) => x.path).sort())
    assert.equal(r.data.master_cf, readFileSync('/etc/postfix/master.cf').toString('base64'))
    assert.deepEqual(Object.keys(r.data.courier_tls as object), ['imapd_ssl', 'pop3d_ssl'])
    assert.ok(!refs.some((x) => x.path === '/etc/aliases'), '/etc/aliases is the users role\'s')
    assert.match(r.msg ?? '', /^\d+ files? referred to, \d+ on the host$/)
  }
})

test('mail_config_refs with delivery_only reads the known refs again first (a missing one is no problem) and nothing else', async () => {
  const there = join(dir, 'archive')
  writeFileSync(there, 'From x\n')
  const known = [
    { kind: 'mbox', where: '/etc/aliases', path: there, exists: true },
    { kind: 'mbox', where: '/etc/aliases', path: join(dir, 'gone') },
  ]
  const r = await run('mail_config_refs', { delivery_only: true, known, uid_min: 65000, uid_max: 65001 })
  assert.equal(r.status, 'ok', r.msg)
  const refs = r.data.refs as Ref[]
  assert.deepEqual(refs.slice(0, 2), [
    { kind: 'mbox', where: '/etc/aliases', path: there, exists: true },
    { kind: 'mbox', where: '/etc/aliases', path: join(dir, 'gone'), exists: false },
  ])
  assert.ok(refs.slice(2).every((x) => x.kind === 'userfile'), "after them only delivery files (root's)")
  assert.deepEqual(r.data.missing, [])
  assert.deepEqual([r.data.daemons, r.data.ports, r.data.master_cf], [[], [], ''])
  assert.ok(tarNames(r.data.tar as string).includes(there))
})
