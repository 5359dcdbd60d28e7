// command, shell and raw run for real, twice: the second run of a guarded command changes nothing.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadPlaybook } from '../../../src/playbook/load.js'
import type { Task } from '../../../src/playbook/types.js'
import { runner } from '../real-run.js'
import { tempDir } from '../../helpers/tmp.js'

const tmp = async () => tempDir('tsplay-cmd-')

const run = runner()

test('command with creates runs once, then says why it did not run', async () => {
  const dir = await tmp()
  const args = () => ({ cmd: 'touch done.flag', chdir: dir, creates: 'done.flag' })
  const first = await run('command', args())
  assert.equal(first.status, 'changed')
  assert.equal(first.data.rc, 0)
  const second = await run('command', args())
  assert.equal(second.status, 'ok')
  assert.equal(second.msg, "Did not run command since 'done.flag' exists")
})

test('creates matches a glob, but nothing else in the path is shell syntax', async () => {
  const dir = await tmp()
  await writeFile(join(dir, 'dump-2024.sql'), '')
  const globbed = await run('command', { cmd: 'false', creates: join(dir, 'dump-*.sql') })
  assert.equal(globbed.status, 'ok')
  const hostile = await run('command', { cmd: 'true', chdir: dir, creates: '$(touch pwned)*' })
  assert.equal(hostile.status, 'changed')
  assert.deepEqual(await readdir(dir), ['dump-2024.sql'])
})

test('removes runs the command only while the path exists', async () => {
  const dir = await tmp()
  const lock = join(dir, 'old.lock')
  await writeFile(lock, '')
  assert.equal((await run('command', { argv: ['rm', lock], removes: lock })).status, 'changed')
  const again = await run('command', { argv: ['rm', lock], removes: lock })
  assert.equal(again.status, 'ok')
  assert.equal(again.data.stdout, `skipped, since ${lock} does not exist`)
})

test('command passes words literally: no variables, globs or pipes', async () => {
  const r = await run('command', { cmd: 'echo $HOME * | x "a  b"' })
  assert.equal(r.data.stdout, '$HOME * | x a  b')
})

test('command feeds stdin with a newline and fails with the command and stderr', async () => {
  const ok = await run('command', { argv: ['cat'], stdin: 'secret' })
  assert.equal(ok.data.stdout, 'secret')
  const bad = await run('command', { argv: ['ls', '/nonexistent-tsplay'] })
  assert.equal(bad.status, 'failed')
  assert.match(bad.msg ?? '', /^Command failed with exit code 2: ls \/nonexistent-tsplay\nls: cannot access/)
  assert.equal(bad.data.rc, 2)
})

test('command is skipped in check mode, and does not run', async () => {
  const dir = await tmp()
  const r = await run('command', { argv: ['touch', join(dir, 'f')] }, { check: true })
  assert.equal(r.status, 'skipped')
  assert.equal(existsSync(join(dir, 'f')), false)
})

test("a missing chdir fails before anything runs, in Ansible's words", async () => {
  const dir = await tmp()
  for (const [module, args] of [
    ['command', { cmd: `touch ${join(dir, 'ran')}`, chdir: join(dir, 'nope') }],
    ['shell', { cmd: `touch ${join(dir, 'ran')}`, chdir: join(dir, 'nope'), creates: 'x' }],
  ] as const) {
    const r = await run(module, { ...args })
    assert.equal(r.status, 'failed', module)
    assert.equal(r.msg, `Unable to change directory before execution: [Errno 2] No such file or directory: '${join(dir, 'nope')}'`)
  }
  assert.deepEqual(await readdir(dir), [])
})

test('shell runs pipes and redirections, in chdir', async () => {
  const dir = await tmp()
  const r = await run('shell', { cmd: 'printf "b\\na\\n" | sort > out; cat out', chdir: dir })
  assert.equal(r.status, 'changed')
  assert.deepEqual(r.data.stdout_lines, ['a', 'b'])
})

test('shell with another executable gets the whole line as one argument', async () => {
  const r = await run('shell', { cmd: 'echo "$0"; [[ 1 == 1 ]] && echo bash-only', executable: '/bin/bash' })
  assert.equal(r.data.stdout, '/bin/bash\nbash-only')
})

test('raw sends the line as is', async () => {
  const r = await run('raw', { cmd: 'echo raw; exit 0' })
  assert.equal(r.status, 'changed')
  assert.equal(r.data.stdout, 'raw')
})

test('command with creates in check mode predicts that it would run (changed), and runs nothing', async () => {
  const dir = await tmp()
  const r = await run('command', { cmd: 'touch done.flag', chdir: dir, creates: 'done.flag' }, { check: true })
  assert.equal(r.status, 'changed')
  assert.equal(r.msg, 'Command would have run if not in check mode')
  assert.equal(existsSync(join(dir, 'done.flag')), false)
  rmSync(dir, { recursive: true, force: true })
})

test('strip_empty_ends false keeps the trailing line breaks of stdout; true (default) removes them all', async () => {
  const kept = await run('command', { argv: ['printf', 'a\n\n'], strip_empty_ends: false })
  assert.equal(kept.data.stdout, 'a\n\n')
  const stripped = await run('command', { argv: ['printf', 'a\n\n'] })
  assert.equal(stripped.data.stdout, 'a')
  assert.deepEqual(stripped.data.stdout_lines, ['a'])
})

test("command ignores executable with Ansible's warning and runs the command as given", async () => {
  const r = await run('command', { cmd: 'echo hello', executable: '/bogus' })
  assert.equal(r.data.stdout, 'hello')
  assert.match(String((r.data.warnings as string[])[0]), /no longer supported with the 'command' module. Not using '\/bogus'/)
})

test('creates= on a line of its own in a multi-line shell is honoured and the script runs without it', async () => {
  const dir = tempDir('tsplay-cmd-')
  const book = join(dir, 'p.yml')
  writeFileSync(book, `- hosts: all\n  tasks:\n    - shell: |\n        creates=${dir}/made\n        echo one > ${dir}/made\n        echo two >> ${dir}/made\n`)
  const task = loadPlaybook(book).plays[0]!.tasks[0] as Task
  assert.deepEqual(task.args, { creates: `${dir}/made`, cmd: `echo one > ${dir}/made\necho two >> ${dir}/made` })
  const first = await run('shell', structuredClone(task.args))
  assert.equal(first.status, 'changed')
  const second = await run('shell', structuredClone(task.args))
  assert.equal(second.status, 'ok')
  assert.equal(second.msg, `Did not run command since '${dir}/made' exists`)
  rmSync(dir, { recursive: true, force: true })
})
