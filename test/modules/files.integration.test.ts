// The file modules run for real over the local connection in a temp folder: first run changed,
// second run ok, --check predicts exactly and touches nothing, --diff shows before/after, and
// hostile file names never execute.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseSource } from '../../src/yaml/source.js'
import { check } from '../../src/schema/validate.js'
import { renderTemplateFile } from '../../src/template/render.js'
import { resolveMode } from '../../src/modules/files/mode.js'
import { fileModules } from '../../src/modules/files/index.js'
import { localContext } from './context.js'
import { runner, twice as twiceRun, type Over } from './real-run.js'
import { unlessCi } from '../helpers/skip.js'

const root = mkdtempSync(join(tmpdir(), 'tsplay-files-'))
const controllerDir = join(root, 'controller')
mkdirSync(controllerDir)
process.on('exit', () => rmSync(root, { recursive: true, force: true }))

/** Every way a name could reach a shell: spaces, quotes, $(), backticks, ;, newline, leading '-'. */
const HOSTILE = `-lead a b 'q' "dq" $(touch SENTINEL1) \`touch SENTINEL2\`; touch SENTINEL3 \nnl`
const SENTINELS = ['SENTINEL1', 'SENTINEL2', 'SENTINEL3']

let n = 0
function freshDir(): string {
  const d = join(root, `case${n++}`)
  mkdirSync(d)
  return d
}

const run = runner({ findFile: (_kind, rel) => join(controllerDir, rel), render: renderTemplateFile })

/** Path → type, mode, owner, content hash or link target: what --check must leave alone. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name)
      const s = lstatSync(p)
      let what = `${s.mode.toString(8)} ${s.uid}:${s.gid} ${s.nlink}`
      if (s.isSymbolicLink()) what += ` -> ${readlinkSync(p)}`
      else if (s.isFile()) what += ` ${createHash('sha1').update(readFileSync(p)).digest('hex')}`
      out[p] = what
      if (s.isDirectory()) walk(p)
    }
  }
  walk(dir)
  return out
}

const twice = (dir: string, name: string, args: Record<string, unknown>, over: Over = {}) => twiceRun(run, () => snapshot(dir), name, args, over)

function noSentinels(): void {
  for (const s of SENTINELS) {
    assert.equal(existsSync(join(process.cwd(), s)), false, `${s} was created: a name was executed`)
    assert.equal(existsSync(join(root, s)), false, `${s} was created: a name was executed`)
  }
}

const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8)

test('copy writes content, then reports ok, with a before/after diff', async () => {
  const d = freshDir()
  const dest = join(d, 'main.cf')
  writeFileSync(dest, 'old\n')
  const r = await twice(d, 'copy', { content: 'new\n', dest, mode: '0640' })
  assert.equal(readFileSync(dest, 'utf8'), 'new\n')
  assert.equal(modeOf(dest), '640')
  assert.deepEqual(r.diff?.[0], { path: dest, before: 'old\n', after: 'new\n' })
})

test('copy of a controller file lands under the basename when dest is a directory', async () => {
  const d = freshDir()
  writeFileSync(join(controllerDir, 'aliases'), 'postmaster: root\n')
  await twice(d, 'copy', { src: 'aliases', dest: d + '/' })
  assert.equal(readFileSync(join(d, 'aliases'), 'utf8'), 'postmaster: root\n')
})

test('copy keeps the mode of the file it replaces', async () => {
  const d = freshDir()
  const dest = join(d, 'secret')
  writeFileSync(dest, 'a', { mode: 0o600 })
  await twice(d, 'copy', { content: 'b', dest })
  assert.equal(modeOf(dest), '600')
})

test('copy with a failing validate fails the task and leaves dest untouched', async () => {
  const d = freshDir()
  const dest = join(d, 'conf')
  writeFileSync(dest, 'good\n')
  const r = await run('copy', { content: 'bad\n', dest, validate: 'grep -q good %s' })
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /Command failed with exit code 1/)
  assert.equal(readFileSync(dest, 'utf8'), 'good\n')
  assert.deepEqual(readdirSync(d), ['conf'], 'the temp copy is removed')
})

test('copy with a passing validate replaces dest', async () => {
  const d = freshDir()
  const dest = join(d, 'conf')
  await twice(d, 'copy', { content: 'good\n', dest, validate: 'grep -q good %s', mode: '0600' })
  assert.equal(readFileSync(dest, 'utf8'), 'good\n')
  assert.equal(modeOf(dest), '600')
})

test('copy backup keeps the old file and names it in backup_file', async () => {
  const d = freshDir()
  const dest = join(d, 'conf')
  writeFileSync(dest, 'v1\n')
  const r = await run('copy', { content: 'v2\n', dest, backup: true })
  assert.equal(r.status, 'changed')
  const backup = String(r.data.backup_file)
  assert.match(backup, /conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/)
  assert.equal(readFileSync(backup, 'utf8'), 'v1\n')
  assert.equal(readFileSync(dest, 'utf8'), 'v2\n')
})

test('copy sets the owner and group, then reports ok', { skip: unlessCi(process.getuid?.() !== 0 && 'needs root') }, async () => {
  const d = freshDir()
  const dest = join(d, 'owned')
  await twice(d, 'copy', { content: 'x', dest, owner: 'nobody', group: '65534' })
  assert.equal(statSync(dest).uid, 65534)
})

test('template renders with the task vars and writes like copy', async () => {
  const d = freshDir()
  writeFileSync(join(controllerDir, 'main.cf.hbs'), 'myhostname = {{host}}\n')
  const dest = join(d, 'main.cf')
  await twice(d, 'template', { src: 'main.cf.hbs', dest, mode: 'u=rw,g=r,o=' }, { vars: { host: 'mx1' } })
  assert.equal(readFileSync(dest, 'utf8'), 'myhostname = mx1\n')
  const again = await run('template', { src: 'main.cf.hbs', dest }, { vars: { host: 'mx2' } })
  assert.equal(again.status, 'changed', 'a new variable value changes the file')
  assert.equal(readFileSync(dest, 'utf8'), 'myhostname = mx2\n')
  assert.equal(modeOf(dest), '640')
})

test('file creates a directory with a mode, recursively fixes what is below', async () => {
  const d = freshDir()
  const top = join(d, 'spool')
  await twice(d, 'file', { path: top, state: 'directory', mode: '0750' })
  assert.equal(modeOf(top), '750')
  // GNU chmod keeps a directory's setgid bit for a 4-digit mode: the plan must still converge.
  await localContext().conn.exec(`chmod g+s -- '${top}'`)
  await twice(d, 'file', { path: top, state: 'directory', mode: '0750' })
  assert.equal(modeOf(top), '750')
  mkdirSync(join(top, 'sub'))
  writeFileSync(join(top, 'sub', 'm'), 'x', { mode: 0o666 })
  await twice(d, 'file', { path: top, state: 'directory', mode: 'u=rwX,g=rX,o=', recurse: true })
  assert.equal(modeOf(join(top, 'sub')), '750')
  assert.equal(modeOf(join(top, 'sub', 'm')), '640')
})

test('file makes symlinks and hard links, then reports ok', async () => {
  const d = freshDir()
  const target = join(d, 'target')
  writeFileSync(target, 't')
  await twice(d, 'file', { path: join(d, 'sym'), state: 'link', src: target })
  assert.equal(readlinkSync(join(d, 'sym')), target)
  await twice(d, 'file', { path: join(d, 'sym'), state: 'link', src: 'target' })
  assert.equal(readlinkSync(join(d, 'sym')), 'target', 'an existing link is repointed')
  await twice(d, 'file', { path: join(d, 'hard'), state: 'hard', src: target })
  assert.equal(statSync(join(d, 'hard')).ino, statSync(target).ino)
})

test('file state file fails on a missing path instead of creating it', async () => {
  const d = freshDir()
  const r = await run('file', { path: join(d, 'nope'), state: 'file' })
  assert.equal(r.status, 'failed')
  assert.equal(existsSync(join(d, 'nope')), false)
})

test('file absent removes a tree, then reports ok', async () => {
  const d = freshDir()
  mkdirSync(join(d, 'gone', 'deep'), { recursive: true })
  await twice(d, 'file', { path: join(d, 'gone'), state: 'absent' })
  assert.equal(existsSync(join(d, 'gone')), false)
})

test('file touch creates once with preserved times and is always changed without', async () => {
  const d = freshDir()
  const p = join(d, 'stamp')
  await twice(d, 'file', { path: p, state: 'touch', mode: '0600', modification_time: 'preserve', access_time: 'preserve' })
  assert.equal(modeOf(p), '600')
  const again = await run('file', { path: p, state: 'touch' })
  assert.equal(again.status, 'changed', "touch updates times, so it is changed like Ansible's")
})

test('lineinfile replaces the matching line, then reports ok', async () => {
  const d = freshDir()
  const p = join(d, 'main.cf')
  writeFileSync(p, 'a = 1\nrelayhost = old\nb = 2\n')
  const r = await twice(d, 'lineinfile', { path: p, regexp: '^relayhost\\s*=', line: 'relayhost = [smtp]:587' })
  assert.equal(readFileSync(p, 'utf8'), 'a = 1\nrelayhost = [smtp]:587\nb = 2\n')
  assert.equal(r.diff?.[0]?.before, 'a = 1\nrelayhost = old\nb = 2\n')
  await twice(d, 'lineinfile', { path: p, line: 'c = 3', insertafter: '^a =' })
  assert.equal(readFileSync(p, 'utf8'), 'a = 1\nc = 3\nrelayhost = [smtp]:587\nb = 2\n')
  await twice(d, 'lineinfile', { path: p, regexp: '^c =', state: 'absent' })
  assert.equal(readFileSync(p, 'utf8'), 'a = 1\nrelayhost = [smtp]:587\nb = 2\n')
})

test('lineinfile create makes a missing file and its folder', async () => {
  const d = freshDir()
  const p = join(d, 'new', 'file')
  await twice(d, 'lineinfile', { path: p, line: 'x', create: true })
  assert.equal(readFileSync(p, 'utf8'), 'x\n')
})

test('lineinfile edits the target of a symlink and keeps the link', async () => {
  const d = freshDir()
  writeFileSync(join(d, 'real'), 'a\n')
  await twice(d, 'file', { path: join(d, 'link'), state: 'link', src: 'real' })
  await twice(d, 'lineinfile', { path: join(d, 'link'), line: 'b' })
  assert.equal(readFileSync(join(d, 'real'), 'utf8'), 'a\nb\n')
  assert.ok(lstatSync(join(d, 'link')).isSymbolicLink())
})

test('blockinfile inserts, updates and removes a marked block', async () => {
  const d = freshDir()
  const p = join(d, 'main.cf')
  writeFileSync(p, 'a\n')
  await twice(d, 'blockinfile', { path: p, block: 'x = 1' })
  assert.equal(readFileSync(p, 'utf8'), 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx = 1\n# END ANSIBLE MANAGED BLOCK\n')
  await twice(d, 'blockinfile', { path: p, block: 'x = 2\ny = 3' })
  assert.equal(readFileSync(p, 'utf8'), 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nx = 2\ny = 3\n# END ANSIBLE MANAGED BLOCK\n')
  await twice(d, 'blockinfile', { path: p, state: 'absent' })
  assert.equal(readFileSync(p, 'utf8'), 'a\n')
})

test('stat reports type, mode, owner and checksum without changing anything', async () => {
  const d = freshDir()
  const p = join(d, 'f')
  writeFileSync(p, 'abc', { mode: 0o640 })
  const r = await run('stat', { path: p })
  assert.equal(r.status, 'ok')
  const st = r.data.stat as Record<string, unknown>
  assert.equal(st.exists, true)
  assert.equal(st.isreg, true)
  assert.equal(st.mode, '0640')
  assert.equal(st.size, 3)
  assert.equal(st.checksum, createHash('sha1').update('abc').digest('hex'))
  const missing = await run('stat', { path: join(d, 'none') })
  assert.deepEqual(missing.data.stat, { exists: false })
})

test('slurp returns the bytes base64-encoded, binary included', async () => {
  const d = freshDir()
  const bytes = Buffer.from([0, 1, 2, 255, 10, 0x41])
  writeFileSync(join(d, 'bin'), bytes)
  const r = await run('slurp', { src: join(d, 'bin') })
  assert.equal(r.status, 'ok')
  assert.equal(r.data.content, bytes.toString('base64'))
})

test('fetch copies to dest/<host>/<src path> on the controller, then reports ok', async () => {
  const d = freshDir()
  const src = join(d, 'remote.cf')
  writeFileSync(src, 'remote\n')
  const dest = join(d, 'fetched')
  mkdirSync(dest)
  await twice(d, 'fetch', { src, dest })
  assert.equal(readFileSync(join(dest, 'localhost', src), 'utf8'), 'remote\n')
  writeFileSync(src, 'changed\n')
  const again = await run('fetch', { src, dest })
  assert.equal(again.status, 'changed', 'a changed remote file is fetched again')
})

test('hostile file names never execute and every module still gets them right', async () => {
  const d = freshDir()
  const p = join(d, HOSTILE)
  await twice(d, 'copy', { content: 'x\n', dest: p, mode: '0600', backup: true, validate: 'test -f %s' })
  assert.equal(readFileSync(p, 'utf8'), 'x\n')
  await twice(d, 'lineinfile', { path: p, line: HOSTILE.replace('\n', ' ') })
  await twice(d, 'blockinfile', { path: p, block: HOSTILE, marker: `# {mark} ${HOSTILE.replace('\n', ' ')}` })
  await twice(d, 'file', { path: p, state: 'file', mode: 'u=rw,g=r,o=' })
  assert.equal(modeOf(p), '640')
  await twice(d, 'file', { path: p + '.link', state: 'link', src: HOSTILE })
  assert.equal(readlinkSync(p + '.link'), HOSTILE)
  await twice(d, 'file', { path: p + '.dir', state: 'directory', mode: '0700', recurse: true })
  const st = await run('stat', { path: p, follow: true })
  assert.equal((st.data.stat as { isreg: boolean }).isreg, true)
  const sl = await run('slurp', { src: p })
  assert.match(Buffer.from(String(sl.data.content), 'base64').toString('utf8'), /^x\n/)
  await twice(d, 'fetch', { src: p, dest: join(d, 'fetched') + '/', flat: true })
  assert.equal(existsSync(join(d, 'fetched', HOSTILE)), true)
  await twice(d, 'file', { path: p, state: 'absent' })
  noSentinels()
})

test('symbolic modes resolve exactly as chmod applies them', async () => {
  const d = freshDir()
  const cases: Array<[number, string, boolean]> = [
    [0o644, 'u+x', false],
    [0o755, 'a-w', false],
    [0o640, 'g=u', false],
    [0o600, 'u=rwX,g=rX,o=', false],
    [0o700, 'u=rwX,g=rX,o=', false],
    [0o755, 'u=rwX,g=rX,o=', true],
    [0o644, 'o+t,g+s', true],
    [0o4755, 'u-s', false],
    [0o000, '=r', false],
    [0o777, 'go-w,o-x', false],
  ]
  for (const [start, mode, isDir] of cases) {
    const p = join(d, `m${start.toString(8)}-${isDir}`)
    if (isDir) mkdirSync(p)
    else writeFileSync(p, '')
    const r = await run('file', { path: p, mode: start.toString(8).padStart(4, '0') })
    assert.notEqual(r.status, 'failed', r.msg)
    const chmod = await localContext().conn.exec(`chmod ${mode} -- '${p}'`)
    assert.equal(chmod.rc, 0)
    const want = statSync(p).mode & 0o7777
    assert.equal(resolveMode(mode, start, isDir).toString(8), want.toString(8), `${mode} on ${start.toString(8)}`)
  }
})
