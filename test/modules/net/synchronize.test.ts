// synchronize for real: dir → dir on the local connection (twice, check, diff, delete, hard links,
// numeric ids, xattrs, excludes, hostile names), then host to host over a real sshd on 127.0.0.1.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { chmod, chown, link, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalConnection } from '../../../src/connection/local.js'
import { createUser, makeKey, readPub, startSshd, type Sshd } from '../../helpers/sshd.js'
import { contract, runner, type Over } from '../real-run.js'
import { skipOrFail } from '../../helpers/skip.js'

let root: string
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tsplay-sync-'))
})
after(() => rm(root, { recursive: true, force: true }))

const run = (args: Record<string, unknown>, over: Over = {}) => runner()('synchronize', args, over)

/** A small mail spool: maildir files, a hard link, a uid with no passwd entry, an xattr. */
async function spool(name: string): Promise<string> {
  const src = join(root, name)
  await mkdir(join(src, 'alice', 'Maildir', 'cur'), { recursive: true })
  await writeFile(join(src, 'alice', 'Maildir', 'cur', '1700000000.M1.old:2,S'), 'Subject: hi\n\nbody\n')
  await link(join(src, 'alice', 'Maildir', 'cur', '1700000000.M1.old:2,S'), join(src, 'alice', 'Maildir', 'cur', 'hardlinked'))
  await writeFile(join(src, 'orphan-owned'), 'owned by 2345\n')
  await chown(join(src, 'orphan-owned'), 2345, 2345)
  await writeFile(join(src, 'tagged'), 'xattr\n')
  execFileSync('setfattr', ['-n', 'user.x', '-v', 'migrated', join(src, 'tagged')])
  await writeFile(join(src, 'scratch.tmp'), 'excluded\n')
  return src
}

const full = (src: string, dest: string) => ({ src: src + '/', dest, hard_links: true, numeric_ids: true, xattrs: true, acls: true, exclude: ['*.tmp'] })

test('a first sync copies everything with links, numeric owners and xattrs; the second changes nothing', async () => {
  const src = await spool('s1')
  const dest = join(root, 'd1')
  const first = await run(full(src, dest))
  assert.equal(first.status, 'changed', first.msg)
  assert.ok((first.data.changed_items as string[]).includes('>f+++++++++ orphan-owned'))
  assert.equal(first.data.files_transferred, 3)
  assert.equal(typeof first.data.elapsed, 'number')
  const a = statSync(join(dest, 'alice/Maildir/cur/1700000000.M1.old:2,S'))
  assert.equal(a.ino, statSync(join(dest, 'alice/Maildir/cur/hardlinked')).ino, 'hard link kept')
  const o = statSync(join(dest, 'orphan-owned'))
  assert.deepEqual([o.uid, o.gid], [2345, 2345])
  assert.match(execFileSync('getfattr', ['-n', 'user.x', '--only-values', join(dest, 'tagged')], { encoding: 'utf8' }), /^migrated$/)
  assert.equal(existsSync(join(dest, 'scratch.tmp')), false, 'excluded')
  const second = await run(full(src, dest))
  assert.equal(second.status, 'ok')
  assert.deepEqual(second.data.changed_items, [])
})

test('check mode itemizes with --dry-run, changes nothing, and predicts the real run exactly', async () => {
  const src = await spool('s2')
  const dest = join(root, 'd2')
  await run(full(src, dest))
  await writeFile(join(src, 'alice', 'Maildir', 'cur', '1700000001.M2.old:2,'), 'new mail\n')
  await writeFile(join(src, 'tagged'), 'changed content\n')
  const before = readdirSync(join(dest, 'alice/Maildir/cur')).sort()
  const checked = await run(full(src, dest), { check: true, diff: true })
  assert.equal(checked.status, 'changed')
  assert.match(checked.planned![0]!, /^rsync '--out-format=tsplay-item %i %n' --stats --info=progress2 --archive --numeric-ids --hard-links --acls --xattrs '--exclude=\*\.tmp' -- /)
  assert.deepEqual(readdirSync(join(dest, 'alice/Maildir/cur')).sort(), before)
  assert.equal(await readFile(join(dest, 'tagged'), 'utf8'), 'xattr\n')
  const predicted = checked.diff![0]!.after.trim().split('\n')
  const real = await run(full(src, dest))
  assert.equal(real.status, 'changed')
  assert.deepEqual(real.data.changed_items, predicted)
  const inSync = await run(full(src, dest), { check: true })
  assert.equal(inSync.status, 'ok')
  assert.equal(inSync.msg, `${dest} is already in sync with ${src}/`)
})

test('synchronize keeps the module contract: --check predicts and copies nothing, the run copies, a rerun and a recheck are ok', async () => {
  const src = await spool('s-contract')
  const dest = join(root, 'd-contract')
  const tree = () => (existsSync(dest) ? readdirSync(dest, { recursive: true }).map(String).sort() : [])
  const { checked, first, second, rechecked } = await contract(runner(), tree, 'synchronize', full(src, dest))
  assert.deepEqual(checked.diff![0]!.after.trim().split('\n'), first.data.changed_items)
  // A plain run makes no dry run first: it copies, and says nothing moved.
  assert.deepEqual(second.data.changed_items, [])
  assert.equal(rechecked.msg, `${dest} is already in sync with ${src}/`)
})

test('delete removes files that left the source and lists them; without it they stay', async () => {
  const src = await spool('s3')
  const dest = join(root, 'd3')
  await run(full(src, dest))
  await writeFile(join(dest, 'delivered-on-new-host'), 'mail that arrived at dest\n')
  // Only the extra file differs: the write also moved dest's mtime, which -a would put back.
  const { atime, mtime } = statSync(src)
  await utimes(dest, atime, mtime)
  assert.equal((await run(full(src, dest))).status, 'ok', 'extra files in dest are left alone by default')
  const del = await run({ ...full(src, dest), delete: true })
  assert.equal(del.status, 'changed')
  assert.deepEqual(del.data.deleted, ['delivered-on-new-host'])
  assert.equal(existsSync(join(dest, 'delivered-on-new-host')), false)
  assert.equal((await run({ ...full(src, dest), delete: true })).status, 'ok')
})

test('a NUL-separated exclude file excludes every folder it lists, wherever --from0 is given', async () => {
  const src = join(root, 's-from0')
  for (const d of ['a/cur', 'a/new', 'b/cur', 'b/new']) {
    await mkdir(join(src, d), { recursive: true })
    await writeFile(join(src, d, 'msg'), 'x\n')
  }
  const list = join(root, 'from0-exclude')
  await writeFile(list, '/a/cur/\0/a/new/\0/b/cur/\0')
  const dest = join(root, 'd-from0')
  const r = await run({ src: src + '/', dest, rsync_opts: [`--exclude-from=${list}`, '--from0'] })
  assert.equal(r.status, 'changed', r.msg)
  assert.deepEqual(readdirSync(dest, { recursive: true }).map(String).sort(), ['a', 'b', 'b/new', 'b/new/msg'])
})

test('hostile names and options are one argument each: nothing runs, the copy is right', async () => {
  // Names cannot hold '/', so the payloads touch a relative name: in the cwd if they ever ran.
  const touch = '$(touch tsplay-sync-sentinel)'
  const src = join(root, `src ${touch} \`touch tsplay-sync-sentinel\`; 'q' "d"`)
  await mkdir(src, { recursive: true })
  const name = `-rf ${touch}\n\`touch tsplay-sync-sentinel\``
  await writeFile(join(src, name), 'x\n')
  const dest = join(root, `dest; touch tsplay-sync-sentinel`)
  const args = { src: src + '/', dest, rsync_opts: [`--log-file=${join(root, `rsync log; ${touch}`)}`], exclude: [touch] }
  assert.equal((await run(args)).status, 'changed')
  assert.equal((await run(args)).status, 'ok')
  assert.deepEqual(readdirSync(dest), [name])
  assert.ok(existsSync(join(root, `rsync log; ${touch}`)))
  assert.equal(existsSync('tsplay-sync-sentinel'), false)
  assert.equal(existsSync(join(root, 'tsplay-sync-sentinel')), false)
})

test('a failing rsync fails the task with the command and its stderr', async () => {
  const r = await run({ src: join(root, 'no-such-dir') + '/', dest: join(root, 'dx') })
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /^Command failed with exit code 23: rsync .*\nrsync: \[sender\] change_dir .*No such file or directory/)
  const checked = await run({ src: join(root, 'no-such-dir') + '/', dest: join(root, 'dx') }, { check: true })
  assert.equal(checked.status, 'failed')
})

// A throwaway user with /bin/sh as shell: root's own ~/.bashrc on this machine (pyenv init) can
// stall every ssh session, and the migration's real hosts are covered by the lab tests.
test('host to host over ssh: pull runs on the destination, push on the source, both idempotent', { timeout: 120_000 }, async (t) => {
  let sshd: Sshd
  try {
    sshd = await startSshd()
  } catch (e) {
    skipOrFail(t, `no sshd: ${(e as Error).message}`)
    return
  }
  const user = createUser(`tsync${process.pid % 100000}`)
  try {
    const key = makeKey(sshd.dir, 'oneoff')
    sshd.authorize(user.name, readPub(key))
    const kh = join(sshd.dir, 'known_hosts')
    await writeFile(kh, sshd.knownHostsLine + '\n')
    const side = { ansible_host: '127.0.0.1', ansible_user: user.name, ansible_port: sshd.port }
    const over = { host: 'new', conn: new LocalConnection('new'), vars: { hostvars: { old: side, new: side } }, connectionTo: async () => new LocalConnection('old') }
    const ssh_command = `ssh -i ${key} -o UserKnownHostsFile=${kh} -o StrictHostKeyChecking=yes -o BatchMode=yes`
    await chmod(root, 0o755)
    const src = await spool('s-ssh')
    // pull: the remote sender is the ssh user, the local receiver is root, so owners are kept.
    // push: the remote receiver is the ssh user, who cannot chown; content, links and xattrs are kept.
    for (const [mode, dest] of [['pull', join(root, 'd-ssh-pull with space')], ['push', join(user.home, 'd-ssh-push with space')]] as const) {
      const args = { ...full(src, dest), acls: false, src_host: 'old', mode, ssh_command, rsync_timeout: 30 }
      const checked = await run(args, { ...over, check: true })
      assert.equal(checked.status, 'changed', checked.msg)
      const remote = `${user.name}@127\\.0\\.0\\.1:`
      assert.match(checked.planned![0]!, mode === 'pull' ? new RegExp(`-- ${remote}.*s-ssh/ '.*d-ssh-pull with space'$`) : new RegExp(`-- .*s-ssh/ '${remote}.*d-ssh-push with space' \\(on old\\)$`))
      assert.equal(existsSync(dest), false)
      const first = await run(args, over)
      assert.equal(first.status, 'changed', first.msg)
      const cur = join(dest, 'alice/Maildir/cur')
      assert.equal(statSync(join(cur, '1700000000.M1.old:2,S')).ino, statSync(join(cur, 'hardlinked')).ino)
      assert.match(execFileSync('getfattr', ['-n', 'user.x', '--only-values', join(dest, 'tagged')], { encoding: 'utf8' }), /^migrated$/)
      if (mode === 'pull') assert.equal(statSync(join(dest, 'orphan-owned')).uid, 2345)
      const second = await run(args, over)
      assert.equal(second.status, 'ok', JSON.stringify(second.data.changed_items))
    }
    assert.ok(sshd.acceptedCount() >= 6)
  } finally {
    await sshd.stop()
    user.remove()
  }
})
