// find, tempfile and getent run for real over the local connection: Ansible's result fields
// from real files and the real passwd database.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runner } from './real-run.js'

const root = mkdtempSync(join(tmpdir(), 'tsplay-lookups-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
const run = runner()

test('find matches globs, skips hidden names and old-enough filters, recurses on request', async () => {
  const d = join(root, 'logs')
  mkdirSync(join(d, 'sub'), { recursive: true })
  for (const f of ['a.log', 'b.log', '.c.log', 'd.txt', 'sub/e.log']) writeFileSync(join(d, f), 'x\n')
  const old = Date.now() / 1000 - 10 * 86400
  utimesSync(join(d, 'a.log'), old, old)
  const flat = await run('find', { paths: d, patterns: '*.log' })
  assert.equal(flat.status, 'ok')
  assert.deepEqual((flat.data.files as Array<{ path: string }>).map((f) => f.path).sort(), [join(d, 'a.log'), join(d, 'b.log')])
  assert.equal(flat.data.matched, 2)
  const aged = await run('find', { paths: [d], patterns: ['*.log'], age: '1w', recurse: true })
  assert.deepEqual((aged.data.files as Array<{ path: string }>).map((f) => f.path), [join(d, 'a.log')])
  const deep = await run('find', { paths: d, patterns: '^e\\.', use_regex: true, recurse: true, get_checksum: true })
  const [e] = deep.data.files as Array<Record<string, unknown>>
  assert.deepEqual([e!.path, e!.checksum, e!.isreg, e!.size], [join(d, 'sub/e.log'), createHash('sha1').update('x\n').digest('hex'), true, 2])
  const dirs = await run('find', { paths: d, file_type: 'directory' })
  assert.deepEqual((dirs.data.files as Array<{ path: string }>).map((f) => f.path), [join(d, 'sub')])
  const missing = await run('find', { paths: [join(root, 'nope')] })
  assert.deepEqual([missing.status, missing.data.matched, Object.keys(missing.data.skipped_paths as object)], ['ok', 0, [join(root, 'nope')]])
})

test('find with follow counts a symlink to a folder as a folder (find -L), without it as a link', async () => {
  const d = join(root, 'homes')
  mkdirSync(join(d, 'real'), { recursive: true })
  symlinkSync(join(d, 'real'), join(d, 'linked'))
  const followed = await run('find', { paths: d, file_type: 'directory', follow: true })
  assert.equal(followed.status, 'ok', followed.msg)
  assert.deepEqual((followed.data.files as Array<{ path: string }>).map((f) => f.path).sort(), [join(d, 'linked'), join(d, 'real')])
  const plain = await run('find', { paths: d, file_type: 'directory' })
  assert.deepEqual((plain.data.files as Array<{ path: string }>).map((f) => f.path), [join(d, 'real')])
})

test('find contains keeps files with a line starting with a match', async () => {
  const d = join(root, 'conf')
  mkdirSync(d)
  writeFileSync(join(d, 'yes.cf'), 'a\nrelayhost = x\n')
  writeFileSync(join(d, 'no.cf'), 'a\n# relayhost = x\n')
  const r = await run('find', { paths: d, contains: 'relayhost' })
  assert.deepEqual((r.data.files as Array<{ path: string }>).map((f) => f.path), [join(d, 'yes.cf')])
})

test('tempfile creates a new folder each run and returns its path; --check skips it', async () => {
  const r = await run('tempfile', { state: 'directory', path: root, prefix: 'pre.', suffix: '.suf' })
  assert.equal(r.status, 'changed')
  const p = String(r.data.path)
  assert.match(p, new RegExp(`^${root}/pre\\.\\w{10}\\.suf$`))
  assert.ok(statSync(p).isDirectory())
  const checked = await run('tempfile', { path: root }, { check: true })
  assert.equal(checked.status, 'skipped')
})

test('getent passwd root sets getent_passwd.root to the other fields', async () => {
  const r = await run('getent', { database: 'passwd', key: 'root' })
  assert.equal(r.status, 'ok')
  const facts = r.data.ansible_facts as { getent_passwd: Record<string, string[]> }
  assert.deepEqual(facts.getent_passwd.root!.slice(1, 3), ['0', '0'])
  const missing = await run('getent', { database: 'passwd', key: 'no-such-user-tsplay' })
  assert.equal(missing.status, 'failed')
  assert.equal(existsSync(root), true)
})
