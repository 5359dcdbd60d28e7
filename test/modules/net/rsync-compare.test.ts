// synchronize between hosts whose ssh way (its -i key) is not there yet (--check before the key is
// made): it lists both sides and compares, and names the same paths rsync's own dry run itemizes.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dryRunOrNoWay, identityFile, NO_WAY } from '../../../src/modules/net/rsync-compare.js'
import { runner } from '../real-run.js'

let root: string
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'tsplay-compare-'))
})
after(() => rm(root, { recursive: true, force: true }))

const run = runner()
/** Between "hosts" (both local here) over a key that does not exist: the comparison decides. */
const noWay = { src_host: 'localhost', mode: 'pull', ssh_command: `ssh -F /dev/null -i ${'/nonexistent/tsplay-oneoff'}/id_ed25519 -o BatchMode=yes` }

async function trees(name: string): Promise<{ src: string; dest: string }> {
  const src = join(root, name, 'src')
  const dest = join(root, name, 'dest')
  await mkdir(join(src, 'Maildir', 'cur'), { recursive: true })
  await mkdir(join(src, 'Maildir', 'new'), { recursive: true })
  await writeFile(join(src, 'Maildir', 'cur', '1700000000.M1.old:2,S'), 'Subject: one\n\nbody\n')
  await writeFile(join(src, 'Maildir', 'cur', '1700000001.M2.old:2,S'), 'Subject: two\n\nbody\n')
  await writeFile(join(src, 'Maildir', 'subscriptions'), 'INBOX\n')
  await symlink('Maildir/cur', join(src, 'cur-link'))
  await writeFile(join(src, 'cache.tmp'), 'excluded\n')
  // dest: the same, by rsync itself.
  const first = await run('synchronize', { src: `${src}/`, dest })
  assert.equal(first.status, 'changed', first.msg)
  return { src, dest }
}

/** "path" of rsync's itemized lines and of the comparison's lines, the same way. */
const names = (lines: string[]): string[] =>
  lines
    .map((l) => l.replace(/^would (create|replace|update attributes of|update|delete) /, '').replace(/^\S{11} /, '').replace(/^\*deleting\s+/, ''))
    .map((n) => (n === './' ? '.' : n.replace(/\/$/, '')))
    .sort()

test('trees in sync: the comparison says so, as the dry run would', async () => {
  const { src, dest } = await trees('same')
  const r = await run('synchronize', { src: `${src}/`, dest, ...noWay }, { check: true })
  assert.equal(r.status, 'ok', r.msg)
  assert.equal(r.msg, `${dest} is already in sync with localhost:${src}/`)
})

test('without the way, --check predicts the paths rsync itself would itemize: new, changed, retimed, re-moded, deleted; protected and excluded ones stay out', async () => {
  const { src, dest } = await trees('differ')
  await writeFile(join(src, 'Maildir', 'new', '1700000002.M3.old'), 'Subject: new\n\nbody\n')
  await writeFile(join(src, 'Maildir', 'subscriptions'), 'INBOX\nArchive\n')
  await utimes(join(src, 'Maildir', 'cur', '1700000000.M1.old:2,S'), 1_700_000_100, 1_700_000_100)
  await chmod(join(dest, 'Maildir', 'cur', '1700000001.M2.old:2,S'), 0o600)
  await writeFile(join(dest, 'Maildir', 'cur', 'gone-from-src:2,S'), 'x\n')
  await writeFile(join(dest, 'Maildir', 'cur', '1700000003.M4.newhost:2,S'), 'delivered on dest\n')
  await utimes(join(dest, 'Maildir'), 1_600_000_000, 1_600_000_000)
  const args = { src: `${src}/`, dest, delete: true, exclude: ['*.tmp'], rsync_opts: ['--filter=P *.newhost[,:]*'] }
  const before = (await readdir(dest, { recursive: true })).sort()
  const predicted = await run('synchronize', { ...args, ...noWay }, { check: true, diff: true })
  assert.equal(predicted.status, 'changed', predicted.msg)
  assert.match(predicted.msg ?? '', /differences between both sides, listed/)
  assert.deepEqual((await readdir(dest, { recursive: true })).sort(), before, '--check changed nothing')
  const dry = await run('synchronize', args, { check: true, diff: true })
  assert.equal(dry.status, 'changed', dry.msg)
  const compared = names(predicted.diff![0]!.after.trim().split('\n'))
  assert.deepEqual(compared, names(dry.diff![0]!.after.trim().split('\n')))
  for (const n of ['Maildir', 'Maildir/cur/gone-from-src:2,S', 'Maildir/new/1700000002.M3.old', 'Maildir/subscriptions']) assert.ok(compared.includes(n), `${n} in ${compared.join(', ')}`)
  assert.ok(!compared.some((n) => n.includes('newhost') || n.endsWith('.tmp')), compared.join(', '))
})

test('a copy driven by lists the run makes (--files-from) is not predicted without its way, and says why', async () => {
  const { src, dest } = await trees('lists')
  const r = await run('synchronize', { src: '/', dest: '/', rsync_opts: [`--files-from=${join(root, 'lists', 'missing-list')}`, '--from0'], ...noWay }, { check: true })
  assert.equal(r.status, 'skipped')
  assert.match(r.msg ?? '', /not predicted: the copy's way to localhost is made during the run, and --files-from=\S+ cannot be compared without it/)
  assert.ok(src && dest)
})

test("the way between the hosts is ssh_command's -i key, where ssh finds it (~/ is the home)", async () => {
  assert.equal(identityFile('ssh -F /dev/null -i /root/.tsplay-mail-sync.x/id_ed25519 -o BatchMode=yes'), '/root/.tsplay-mail-sync.x/id_ed25519')
  assert.equal(identityFile("ssh -i'/keys/a b'"), '/keys/a b')
  assert.equal(identityFile('ssh -o BatchMode=yes'), undefined)
  const home = await mkdtemp(join(root, 'home-'))
  await writeFile(join(home, 'key'), 'k\n')
  const probe = (key: string) => execFileSync('sh', ['-c', dryRunOrNoWay('echo dry-run', key)], { env: { ...process.env, HOME: home }, encoding: 'utf8' }).trim()
  assert.equal(probe('~/key'), 'dry-run')
  assert.equal(probe(join(home, 'key')), 'dry-run')
  assert.equal(probe('~/missing'), NO_WAY)
})
