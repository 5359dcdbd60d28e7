// archive and unarchive run for real over the local connection in temp folders: first run changed,
// second ok, --check predicts exactly and touches nothing, numeric owners and modes survive the
// round trip, and hostile file names never execute.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, lchownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { getModule } from '../../src/modules/index.js'
import { runner, twice as twiceRun, type Over } from './real-run.js'
import { unlessCi } from '../helpers/skip.js'

const root = mkdtempSync(join(tmpdir(), 'tsplay-archive-'))
const controllerDir = join(root, 'controller')
mkdirSync(controllerDir)
process.on('exit', () => rmSync(root, { recursive: true, force: true }))

const HOSTILE = `-lead a b 'q' "dq" $(touch SENTINEL1) \`touch SENTINEL2\`; touch SENTINEL3 \nnl`
const SENTINELS = ['SENTINEL1', 'SENTINEL2', 'SENTINEL3']
const isRoot = process.getuid?.() === 0
/** Ids with no passwd/group entry: only numbers can carry them through an archive. */
const UID = 2345
const GID = 2346

let n = 0
function freshDir(): string {
  const d = join(root, `case${n++}`)
  mkdirSync(d)
  return d
}

const run = runner({ findFile: (_k, rel) => join(controllerDir, rel) })

/** Path → type, mode, owner, size, mtime, content hash or link target, relative to `dir`. */
function snapshot(dir: string, withTimes = true): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      const s = lstatSync(p)
      let what = `${s.mode.toString(8)} ${s.uid}:${s.gid}${withTimes && !s.isDirectory() ? ` ${Math.floor(s.mtimeMs / 1000)}` : ''}`
      if (s.isSymbolicLink()) what += ` -> ${readlinkSync(p)}`
      else if (s.isFile()) what += ` ${createHash('sha1').update(readFileSync(p)).digest('hex')}`
      out[relative(dir, p)] = what
      if (s.isDirectory()) walk(p)
    }
  }
  walk(dir)
  return out
}

const twice = (dir: string, name: string, args: Record<string, unknown>, over: Over = {}) => twiceRun(run, () => snapshot(dir), name, args, over)

/** A small spool: nested folders, a symlink, odd modes, and (as root) owners with no name. */
function makeTree(dir: string, names = ['cur', 'new']): void {
  mkdirSync(join(dir, 'Maildir', names[0]!), { recursive: true })
  mkdirSync(join(dir, 'Maildir', names[1]!))
  writeFileSync(join(dir, 'Maildir', names[0]!, 'msg1'), 'Subject: one\n\nbody\n')
  writeFileSync(join(dir, 'Maildir', names[1]!, 'msg2'), 'Subject: two\n')
  writeFileSync(join(dir, 'Maildir', 'run.sh'), '#!/bin/sh\n')
  symlinkSync(names[0]!, join(dir, 'Maildir', 'current'))
  chmodSync(join(dir, 'Maildir', names[0]!, 'msg1'), 0o640)
  chmodSync(join(dir, 'Maildir', 'run.sh'), 0o4750)
  chmodSync(join(dir, 'Maildir', names[1]!), 0o2770)
  if (isRoot) {
    for (const p of ['Maildir', `Maildir/${names[0]}`, `Maildir/${names[0]}/msg1`, `Maildir/${names[1]}`, 'Maildir/current']) lchownSync(join(dir, p), UID, GID)
    chmodSync(join(dir, 'Maildir', 'run.sh'), 0o4750) // chown cleared setuid
  }
}

test('archive packs a tree into tar.gz, then reports ok, and shows members in --diff', async () => {
  const d = freshDir()
  makeTree(join(d, 'src'))
  const dest = join(d, 'spool.tgz')
  const r = await twice(d, 'archive', { path: join(d, 'src', 'Maildir'), dest })
  assert.equal(r.data.dest_state, 'archive')
  assert.match(String(r.diff?.[0]?.after), /Maildir\/cur\/msg1/)
  assert.equal(r.diff?.[0]?.before, '')
  const names = execFileSync('tar', ['-tzf', dest], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()
  assert.deepEqual(names, ['Maildir/', 'Maildir/cur/', 'Maildir/cur/msg1', 'Maildir/current', 'Maildir/new/', 'Maildir/new/msg2', 'Maildir/run.sh'])
})

test('archive is changed again when a source file changes, and only then', async () => {
  const d = freshDir()
  makeTree(join(d, 'src'))
  const args = { path: join(d, 'src', 'Maildir'), dest: join(d, 'a.tar.xz'), format: 'xz' }
  await twice(d, 'archive', args)
  chmodSync(join(d, 'src', 'Maildir', 'cur', 'msg1'), 0o600)
  const r = await run('archive', args, { diff: true })
  assert.equal(r.status, 'changed', 'a mode change is an archive change')
  assert.match(String(r.diff?.[0]?.before), /-rw-r----- .*Maildir\/cur\/msg1/)
  writeFileSync(join(d, 'src', 'Maildir', 'new', 'msg3'), 'three')
  assert.equal((await run('archive', args)).status, 'changed', 'a new file is an archive change')
  assert.equal((await run('archive', args)).status, 'ok')
})

test('archive writes bz2, plain tar and zip archives idempotently', async () => {
  for (const format of ['bz2', 'tar', 'zip']) {
    const d = freshDir()
    makeTree(join(d, 'src'))
    const dest = join(d, `a.${format}`)
    await twice(d, 'archive', { path: [join(d, 'src', 'Maildir', 'cur'), join(d, 'src', 'Maildir', 'new')], dest, format })
    const list = format === 'zip' ? execFileSync('unzip', ['-Z1', dest], { encoding: 'utf8' }) : execFileSync('tar', ['-tf', dest], { encoding: 'utf8' })
    assert.match(list, /^cur\/msg1$/m, `${format}: members are relative to the common folder`)
    assert.match(list, /^new\/msg2$/m)
  }
})

test('archive compresses a single file to <path>.gz without tar, then reports ok', async () => {
  const d = freshDir()
  writeFileSync(join(d, 'mail.log'), 'line\n'.repeat(100))
  const r = await twice(d, 'archive', { path: join(d, 'mail.log'), mode: '0600' })
  assert.equal(r.data.dest_state, 'compress')
  assert.equal(execFileSync('gzip', ['-dc', join(d, 'mail.log.gz')], { encoding: 'utf8' }), 'line\n'.repeat(100))
  assert.equal(lstatSync(join(d, 'mail.log.gz')).mode & 0o7777, 0o600)
})

test('archive expands globs, leaves out exclude_path below a source, and never packs itself', async () => {
  const d = freshDir()
  makeTree(join(d, 'src'))
  mkdirSync(join(d, 'src', 'Maildir', 'tmp'))
  writeFileSync(join(d, 'src', 'Maildir', 'tmp', 'partial'), 'x')
  const dest = join(d, 'src', 'Maildir', 'self.tar')
  await twice(d, 'archive', { path: join(d, 'src', 'Maildir', '*'), dest, format: 'tar', exclude_path: [join(d, 'src', 'Maildir', 'tmp')] })
  const list = execFileSync('tar', ['-tf', dest], { encoding: 'utf8' })
  assert.doesNotMatch(list, /tmp\/|partial|self\.tar|tsplay-tmp/)
  assert.match(list, /^cur\/msg1$/m)
})

test('archive with remove deletes the sources, and the next run is ok', async () => {
  const d = freshDir()
  makeTree(join(d, 'src'))
  const args = { path: join(d, 'src', 'Maildir'), dest: join(d, 'gone.tgz'), remove: true }
  await twice(d, 'archive', args)
  assert.equal(existsSync(join(d, 'src', 'Maildir')), false)
  assert.match(execFileSync('tar', ['-tzf', join(d, 'gone.tgz')], { encoding: 'utf8' }), /Maildir\/new\/msg2/)
})

test('archive fails clearly when nothing matches or dest is missing for a tree', async () => {
  const d = freshDir()
  const none = await run('archive', { path: join(d, 'nope*'), dest: join(d, 'x.tgz') })
  assert.equal(none.status, 'failed')
  assert.match(none.msg ?? '', /no source paths were found/)
  mkdirSync(join(d, 'tree'))
  const noDest = await run('archive', { path: join(d, 'tree') })
  assert.match(noDest.msg ?? '', /must specify "dest"/)
})

test('numeric owners and modes round-trip through archive and unarchive', { skip: unlessCi(!isRoot && 'needs root to own files by uid 2345') }, async () => {
  const d = freshDir()
  makeTree(join(d, 'src'))
  const dest = join(d, 'spool.tar.gz')
  await twice(d, 'archive', { path: join(d, 'src', 'Maildir'), dest })
  mkdirSync(join(d, 'restore'))
  await twice(join(d, 'restore'), 'unarchive', { src: dest, dest: join(d, 'restore'), remote_src: true })
  assert.deepEqual(snapshot(join(d, 'restore')), snapshot(join(d, 'src')), 'same modes, numeric owners, mtimes, content and links')
  assert.equal(lstatSync(join(d, 'restore', 'Maildir', 'cur', 'msg1')).uid, UID)
  assert.equal(lstatSync(join(d, 'restore', 'Maildir', 'run.sh')).mode & 0o7777, 0o4750)
  assert.equal(lstatSync(join(d, 'restore', 'Maildir', 'new')).mode & 0o7777, 0o2770)
})

test('unarchive restores a changed or deleted file, and only reports what differs', async () => {
  const d = freshDir()
  makeTree(join(d, 'src'))
  const tarball = join(d, 'a.tar.bz2')
  execFileSync('tar', ['-C', join(d, 'src'), '-cjf', tarball, '--numeric-owner', 'Maildir'])
  mkdirSync(join(d, 'out'))
  const args = { src: tarball, dest: join(d, 'out'), remote_src: true, list_files: true }
  const r = await twice(join(d, 'out'), 'unarchive', args)
  assert.ok((r.data.files as string[]).includes('Maildir/cur/msg1'))
  writeFileSync(join(d, 'out', 'Maildir', 'cur', 'msg1'), 'tampered')
  rmSync(join(d, 'out', 'Maildir', 'new', 'msg2'))
  const again = await run('unarchive', args, { diff: true })
  assert.equal(again.status, 'changed')
  assert.match(String(again.diff?.[0]?.before), /msg1: (Mod time|Size) differs/)
  assert.match(String(again.diff?.[0]?.before), /msg2: Warning: Cannot stat/)
  assert.equal(readFileSync(join(d, 'out', 'Maildir', 'cur', 'msg1'), 'utf8'), 'Subject: one\n\nbody\n')
  assert.equal((await run('unarchive', args)).status, 'ok')
})

test('unarchive uploads a controller archive, honours creates, and sets owner/group/mode', async () => {
  const d = freshDir()
  makeTree(join(d, 'src'))
  execFileSync('tar', ['-C', join(d, 'src'), '-czf', join(controllerDir, 'spool.tgz'), 'Maildir'])
  mkdirSync(join(d, 'out'))
  const args = { src: 'spool.tgz', dest: join(d, 'out'), mode: 'u=rwX,g=rX,o=', group: String(process.getgid?.() ?? 0) }
  await twice(join(d, 'out'), 'unarchive', args)
  assert.equal(lstatSync(join(d, 'out', 'Maildir', 'cur', 'msg1')).mode & 0o7777, 0o640)
  assert.equal(lstatSync(join(d, 'out', 'Maildir', 'new')).mode & 0o7777, 0o750, 'g=rX clears setgid, as chmod 00750')
  assert.deepEqual(readdirSync(join(d, 'out')), ['Maildir'], 'the uploaded archive is removed')
  chmodSync(join(d, 'out', 'Maildir', 'run.sh'), 0o777)
  const fix = await run('unarchive', args)
  assert.equal(fix.status, 'changed', 'a path whose mode drifted is fixed')
  assert.equal(lstatSync(join(d, 'out', 'Maildir', 'run.sh')).mode & 0o777, 0o750)
  const skipped = await run('unarchive', { ...args, creates: join(d, 'out', 'Maildir') })
  assert.equal(skipped.status, 'ok')
  assert.match(skipped.msg ?? '', /skipped, since .* exists/)
})

test('unarchive fails when dest is not an existing folder or src is not an archive', async () => {
  const d = freshDir()
  writeFileSync(join(d, 'not.tar'), 'just text')
  execFileSync('tar', ['-C', d, '-cf', join(d, 'ok.tar'), 'not.tar'])
  const noDest = await run('unarchive', { src: join(d, 'ok.tar'), dest: join(d, 'missing'), remote_src: true })
  assert.match(noDest.msg ?? '', /must be an existing dir/)
  const bad = await run('unarchive', { src: join(d, 'not.tar'), dest: d, remote_src: true })
  assert.match(bad.msg ?? '', /Failed to find handler/)
})

test('hostile file names never execute and archive/unarchive still get them right', async () => {
  const d = freshDir()
  const src = join(d, HOSTILE)
  mkdirSync(src)
  makeTree(src, [HOSTILE, '-x'])
  writeFileSync(join(src, 'Maildir', `${HOSTILE}.msg`), 'hostile')
  const dest = join(d, `${HOSTILE}.tgz`)
  await twice(d, 'archive', { path: join(src, 'Maildir'), dest, exclude_path: [join(src, 'Maildir', '-x')] })
  await twice(d, 'archive', { path: join(src, 'Maildir', `${HOSTILE}.msg`), force_archive: true, dest: `${dest}.zip`, format: 'zip' })
  const out = join(d, `out ${HOSTILE}`)
  mkdirSync(out)
  await twice(out, 'unarchive', { src: dest, dest: out, remote_src: true, mode: 'u=rwX,g=rX,o=' })
  assert.equal(readFileSync(join(out, 'Maildir', `${HOSTILE}.msg`), 'utf8'), 'hostile')
  assert.equal(readFileSync(join(out, 'Maildir', HOSTILE, 'msg1'), 'utf8'), 'Subject: one\n\nbody\n')
  assert.equal(existsSync(join(out, 'Maildir', '-x')), false, 'exclude_path left it out')
  for (const s of SENTINELS) for (const dir of [process.cwd(), root, d]) assert.equal(existsSync(join(dir, s)), false, `${s} was created: a name was executed`)
})

test('archive and unarchive document each argument with a description, a default and an example', () => {
  for (const name of ['archive', 'unarchive']) {
    const m = getModule(name)!
    const schema = m.schema as { required?: string[]; additionalProperties?: boolean; properties: Record<string, { description?: string; default?: unknown }> }
    assert.equal(schema.additionalProperties, false)
    for (const [key, prop] of Object.entries(schema.properties)) {
      assert.ok(prop.description, `${name}.${key} has a description`)
      if (!schema.required?.includes(key)) assert.ok('default' in prop, `${name}.${key} has a default`)
    }
    assert.match(m.example ?? '', new RegExp(`^- name: .*\\n  ${name}:`))
  }
})

// Keep mtimes whole seconds in the sources, as tar stores them: utimesSync is here for tests that
// need an older file (keep_newer).
void utimesSync
