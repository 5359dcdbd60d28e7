// file behaves as Ansible's where tsplay used to differ: a hard link "into" an existing directory,
// mode/owner on the parents state=directory creates, the _diff_peek probe. Real runs, temp folder.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { contract, runner, twice } from './real-run.js'

const root = mkdtempSync(join(tmpdir(), 'tsplay-file-ansible-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
const run = runner()
const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8)

test('file state=hard with an existing directory as path links src into it under its own name', async () => {
  const d = join(root, 'hard')
  mkdirSync(join(d, 'into'), { recursive: true })
  writeFileSync(join(d, 'src.txt'), 'x')
  const linked = join(d, 'into', 'src.txt')
  const r = await twice(run, () => (existsSync(linked) ? statSync(linked).ino : null), 'file', { path: join(d, 'into'), src: join(d, 'src.txt'), state: 'hard' })
  assert.equal(r.data.path, join(d, 'into', 'src.txt'))
  assert.equal(statSync(join(d, 'into', 'src.txt')).ino, statSync(join(d, 'src.txt')).ino)
})

test('file state=directory gives the parents it creates the same mode, as Ansible does', async () => {
  const top = join(root, 'dirs')
  mkdirSync(top)
  await twice(run, () => ['a', 'a/b', 'a/b/c'].map((p) => existsSync(join(top, p)) && modeOf(join(top, p))), 'file', { path: join(top, 'a/b/c'), state: 'directory', mode: '0700' })
  assert.deepEqual(['a', 'a/b', 'a/b/c'].map((p) => modeOf(join(top, p))), ['700', '700', '700'])
  assert.equal(modeOf(top), '755', 'an existing parent is left alone')
})

test('file _diff_peek reports appears_binary and changes nothing', async () => {
  const bin = join(root, 'bin')
  writeFileSync(bin, Buffer.from([1, 0, 2]))
  const text = join(root, 'text')
  writeFileSync(text, 'hello')
  const b = await run('file', { path: bin, _diff_peek: true })
  const t = await run('file', { path: text, _diff_peek: true })
  assert.deepEqual([b.status, b.data.appears_binary, t.status, t.data.appears_binary], ['ok', true, 'ok', false])
})

test('file modification_time in modification_time_format sets the time once; --check and a rerun change nothing', async () => {
  const f = join(root, 'stamped')
  writeFileSync(f, 'x')
  const args = { path: f, modification_time: '08/02/2022 14:14:00', modification_time_format: '%d/%m/%Y %H:%M:%S' }
  const mtime = () => statSync(f).mtime.getTime()
  const r = await contract(run, mtime, 'file', args)
  // The format is read as the target's local time, as Ansible's time.mktime does.
  assert.equal(mtime(), new Date(2022, 1, 8, 14, 14, 0).getTime())
  assert.deepEqual(Object.keys(r.first.data.diff as object), ['before', 'after'])
  assert.deepEqual(Object.keys((r.first.data.diff as { after: object }).after), ['path', 'mtime'])
  assert.deepEqual((r.second.data.diff as { after: object }).after, { path: f }, 'no change: the diff holds the path alone')
})

test('file access_time=preserve with a modification_time keeps the access time', async () => {
  const f = join(root, 'atime')
  writeFileSync(f, 'x')
  utimesSync(f, new Date(2020, 0, 1), new Date(2020, 0, 1))
  const r = await run('file', { path: f, state: 'touch', modification_time: '202202081414.00', access_time: 'preserve' })
  assert.equal(r.status, 'changed')
  assert.deepEqual([statSync(f).atime.getTime(), statSync(f).mtime.getTime()], [new Date(2020, 0, 1).getTime(), new Date(2022, 1, 8, 14, 14).getTime()])
})

test('file touch with the default times changes every run, as Ansible does', async () => {
  const f = join(root, 'touched')
  writeFileSync(f, 'x')
  const r = [await run('file', { path: f, state: 'touch' }), await run('file', { path: f, state: 'touch' })]
  assert.deepEqual(r.map((x) => x.status), ['changed', 'changed'])
})

test('file modification_time not matching its format fails naming the format', async () => {
  const f = join(root, 'badstamp')
  writeFileSync(f, 'x')
  const r = await run('file', { path: f, modification_time: '2022-02-08' })
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /Error while obtaining timestamp for time 2022-02-08 using format %Y%m%d%H%M\.%S/)
})

test('file attributes sets lsattr flags with chattr once, +/- and = forms', async () => {
  const f = join(root, 'attrs')
  writeFileSync(f, 'x')
  const flags = () => execFileSync('lsattr', ['-d', f], { encoding: 'utf8' }).split(' ')[0]
  await contract(run, flags, 'file', { path: f, attributes: '+A' })
  assert.match(flags()!, /A/)
  const d = await run('file', { path: f, attributes: '-A' })
  assert.equal(d.status, 'changed')
  assert.deepEqual((d.data.diff as { after: object }).after, { path: f, attributes: '-A' })
  assert.doesNotMatch(flags()!, /A/)
  assert.equal((await run('file', { path: f, attributes: '-A' })).status, 'ok')
  // '=' compares the flags chattr can change: ext4's extents flag 'e' is not asked for, yet equal.
  await run('file', { path: f, attributes: 'A' })
  assert.equal((await run('file', { path: f, attributes: 'A' })).status, 'ok')
})
