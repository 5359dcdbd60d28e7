// Result fields as Ansible returns them, read for real over the local connection in a temp folder:
// stat in full (times, permission bits, access, mime, checksum algorithms), lineinfile's `backup`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runner } from './real-run.js'

const root = mkdtempSync(join(tmpdir(), 'tsplay-fields-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
const run = runner()

test('stat returns the fields Ansible users assert on, with values from the file itself', async () => {
  const f = join(root, 'plain.txt')
  writeFileSync(f, 'hello\n', { mode: 0o640 })
  const r = await run('stat', { path: f, checksum_algorithm: 'sha256' })
  assert.equal(r.status, 'ok')
  const s = r.data.stat as Record<string, unknown>
  const st = statSync(f)
  assert.equal(s.mode, '0640')
  assert.equal(s.isreg, true)
  assert.equal(Math.floor(s.atime as number), Math.floor(st.atimeMs / 1000))
  assert.equal(Math.floor(s.mtime as number), Math.floor(st.mtimeMs / 1000))
  assert.equal(Math.floor(s.ctime as number), Math.floor(st.ctimeMs / 1000))
  assert.deepEqual([s.rusr, s.wusr, s.xusr, s.rgrp, s.wgrp, s.roth], [true, true, false, true, false, false])
  assert.equal(s.checksum, createHash('sha256').update('hello\n').digest('hex'))
  assert.equal(s.mimetype, 'text/plain')
  assert.equal(s.charset, 'us-ascii')
  assert.deepEqual([s.readable, s.writeable, s.executable], [true, true, false])
  assert.equal(s.inode, st.ino)
  assert.equal(s.block_size, st.blksize)
})

test('stat of a symlink names its target (lnk_target) and where it resolves (lnk_source)', async () => {
  const target = join(root, 'plain2.txt')
  writeFileSync(target, 'x')
  const link = join(root, 'link')
  symlinkSync('plain2.txt', link)
  const r = await run('stat', { path: link })
  const s = r.data.stat as Record<string, unknown>
  assert.deepEqual([s.islnk, s.lnk_target, s.lnk_source], [true, 'plain2.txt', target])
  assert.equal(s.checksum, undefined, 'a link that is not followed has no checksum')
})

test('lineinfile with backup names the backup file in `backup`, as Ansible does', async () => {
  const f = join(root, 'conf')
  writeFileSync(f, 'a=1\n')
  const r = await run('lineinfile', { path: f, regexp: '^a=', line: 'a=2', backup: true })
  assert.equal(r.status, 'changed')
  assert.equal(readFileSync(String(r.data.backup), 'utf8'), 'a=1\n')
  assert.equal(r.data.backup_file, undefined)
})

test('replace rewrites every match for real, then reports no change; check mode predicts it', async () => {
  const f = join(root, 'hosts')
  writeFileSync(f, '10.0.0.1 old\n10.0.0.2 old\n')
  const args = { path: f, regexp: '^(\\S+) old$', replace: '\\1 new' }
  const checked = await run('replace', args, { check: true })
  assert.equal(checked.status, 'changed')
  assert.equal(readFileSync(f, 'utf8'), '10.0.0.1 old\n10.0.0.2 old\n')
  const first = await run('replace', args)
  assert.deepEqual([first.status, first.msg], ['changed', '2 replacements made'])
  assert.equal(readFileSync(f, 'utf8'), '10.0.0.1 new\n10.0.0.2 new\n')
  assert.equal((await run('replace', args)).status, 'ok')
})

test("copy's result says state: file, as Ansible's", async () => {
  const r = await run('copy', { content: 'x\n', dest: join(root, 'copied') })
  assert.deepEqual([r.status, r.data.state, r.data.dest], ['changed', 'file', join(root, 'copied')])
})
