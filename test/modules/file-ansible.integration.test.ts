// file behaves as Ansible's where tsplay used to differ: a hard link "into" an existing directory,
// mode/owner on the parents state=directory creates, the _diff_peek probe. Real runs, temp folder.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runner, twice } from './real-run.js'

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
