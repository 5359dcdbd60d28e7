// The backup role on the lab: old's /home and /etc/aliases archived with numeric owners, ACLs and
// xattrs, fetched to the controller and copied to new with verified sha256, and restored.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { labDown, labUp } from '../../src/lab/index.js'
import { defaultInventoryDir, projectRoot } from '../../src/lab/config.js'
import { runIn, writeTree, type InlineRun } from '../helpers/run-playbook.js'
import { onHost } from './lab-play.js'

process.env.TSPLAY_ROLES_PATH = join(projectRoot(), 'roles')
const inventory = defaultInventoryDir()
const dest = mkdtempSync(join(tmpdir(), 'tsplay-backup-'))
let mailFile = ''

before(async () => {
  await labUp({ mail: true, messagesPerUser: 3 })
  mailFile = '/home/alice/Maildir/cur/' + (await sh('old', 'ls /home/alice/Maildir/cur | head -n 1')).trim()
  await sh('old', `setfattr -n user.tsplay -v kept ${q(mailFile)} && setfacl -m u:bob:r ${q(mailFile)} && chmod 0640 ${q(mailFile)}`)
})
after(async () => {
  await labDown()
  rmSync(dest, { recursive: true, force: true })
})

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

const sh = onHost

function ok(r: InlineRun): InlineRun {
  assert.equal(r.code, 0, JSON.stringify(r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed')))
  return r
}

function play(vars: Record<string, unknown>, tasksFrom?: string): string {
  return writeTree({
    'playbook.yml': [
      '- hosts: old',
      '  gather_facts: false',
      '  tasks:',
      '    - import_role:',
      '        name: backup',
      ...(tasksFrom ? [`        tasks_from: ${tasksFrom}`] : []),
      '      vars:',
      ...Object.entries(vars).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`),
      '',
    ].join('\n'),
  })
}

/** What the test compares: owner, mode, size, sha256, xattr and ACL of the mail file. */
const fileState = () =>
  sh('old', `f=${q(mailFile)}; stat -c '%u %g %a %s' "$f"; sha256sum < "$f"; getfattr --only-values -n user.tsplay "$f"; echo; getfacl -cp "$f"`)

const vars = { backup_paths: ['/home', '/etc/aliases', '/var/www'], backup_dest: dest, backup_name: 'lab-old', backup_host: 'new' }

test('--check reads the host and creates nothing on the host, on new or on the controller', async () => {
  await sh('old', 'touch /tmp/stamp; sleep 1.1')
  await sh('new', 'touch /tmp/stamp')
  const r = ok(await runIn(play(vars), { inventory, check: true }))
  assert.ok(r.stats.old!.changed > 0, 'check mode predicts changes')
  assert.equal(await sh('old', 'find /etc /home /var -newer /tmp/stamp -not -path "/var/log/*" -not -path "/var/spool/postfix/*"'), '')
  assert.equal(await sh('new', 'find /var/backups -newer /tmp/stamp'), '')
  assert.deepEqual(readdirSync(dest), [])
})

test('backup of /home and /etc/aliases lands on the controller and on new with verified sha256 and package lists', async () => {
  const before = await fileState()
  const t0 = Date.now()
  const r = ok(await runIn(play(vars), { inventory }))
  console.log(`# backup run ${Date.now() - t0} ms, changed=${r.stats.old!.changed} (a backup is an action)`)
  const dir = join(dest, 'lab-old')
  assert.equal(statSync(dir).mode & 0o777, 0o700)
  assert.deepEqual(readdirSync(dir).sort(), ['SHA256SUMS', 'apt-manual.txt', 'data.tar.gz', 'dpkg-selections.txt', 'paths.txt'])
  execFileSync('sha256sum', ['--check', '--strict', '--quiet', 'SHA256SUMS'], { cwd: dir })
  assert.equal(readFileSync(join(dir, 'paths.txt'), 'utf8'), '/home\n/etc/aliases\n')
  assert.match(readFileSync(join(dir, 'dpkg-selections.txt'), 'utf8'), /^postfix\s+install$/m)
  assert.match(readFileSync(join(dir, 'apt-manual.txt'), 'utf8'), /\S/)
  // Numeric owners in the archive; /var/www does not exist on old and is named as skipped.
  const listing = execFileSync('tar', ['-tvzf', join(dir, 'data.tar.gz'), '--numeric-owner'], { encoding: 'utf8' })
  assert.match(listing, /^-rw-r-----\+? 2001\/2001 .* home\/alice\/Maildir\/cur\//m)
  assert.match(listing, / etc\/aliases$/m)
  const skipped = r.results('backup : Skipped, not on this host')[0]!.result.items!.filter((i) => i.status === 'ok')
  assert.deepEqual(skipped.map((i) => i.item), ['/var/www'])
  // The copy on new is verified there; the working copy on old is gone.
  await sh('new', 'cd /var/backups/tsplay-remote/lab-old && sha256sum --check --strict --quiet SHA256SUMS')
  assert.equal((await sh('old', 'ls /var/backups/tsplay 2>/dev/null | wc -l')).trim(), '0')
  assert.equal(await fileState(), before)
})

test('a second run makes a new backup with a timestamped name (an action, not idempotent by design)', async () => {
  const r = ok(await runIn(play({ ...vars, backup_name: '', backup_host: '', backup_keep_on_host: true }), { inventory }))
  assert.ok(r.stats.old!.changed > 0)
  const names = readdirSync(dest).filter((n) => n !== 'lab-old')
  assert.equal(names.length, 1)
  assert.match(names[0]!, /^old-\d{8}T\d{6}Z$/)
  await sh('old', `test -s /var/backups/tsplay/${names[0]}/data.tar.gz && rm -r /var/backups/tsplay`)
})

test('restore puts a wiped Maildir file back with uid/gid, mode, content, ACL and xattr', async () => {
  const before = await fileState()
  assert.match(before, /^2001 2001 640 \d+\n[0-9a-f]{64} {2}-\nkept\nuser::rw-\nuser:bob:r--\n/)
  await sh('old', `rm ${q(mailFile)}`)
  const restore = play({ backup_restore_from: join(dest, 'lab-old'), backup_restore_members: ['home/alice/Maildir'] }, 'restore')
  await sh('old', 'touch /tmp/stamp; sleep 1.1')
  ok(await runIn(restore, { inventory, check: true }))
  assert.equal(await sh('old', 'find /home /var/backups -newer /tmp/stamp'), '')
  assert.equal(await sh('old', `test -e ${q(mailFile)} || echo missing`), 'missing\n')
  const r = ok(await runIn(restore, { inventory }))
  assert.ok(r.stats.old!.changed > 0)
  assert.equal(await fileState(), before)
  assert.equal(await sh('old', 'ls /var/backups/tsplay'), '') // staging removed
})

test('the README example works as written', async () => {
  const readme = readFileSync(join(projectRoot(), 'roles/backup/README.md'), 'utf8')
  const example = /## Example\n\n```yaml\n([\s\S]*?)```/.exec(readme)![1]!
  const dir = writeTree({ 'playbook.yml': example })
  ok(await runIn(dir, { inventory }))
  const out = join(dir, 'backups', 'old-before-wipe')
  execFileSync('sha256sum', ['--check', '--strict', '--quiet', 'SHA256SUMS'], { cwd: out })
  assert.equal(readFileSync(join(out, 'paths.txt'), 'utf8'), '/etc\n/home\n/var/mail\n')
  assert.ok(existsSync(join(out, 'data.tar.gz')))
  await sh('new', 'cd /var/backups/tsplay-remote/old-before-wipe && sha256sum --check --strict --quiet SHA256SUMS')
})

test('a relative path or an unknown compression is refused before anything runs', async () => {
  const rel = await runIn(play({ ...vars, backup_paths: ['etc'] }), { inventory })
  assert.notEqual(rel.code, 0)
  assert.match(rel.results('backup : Check the backup settings')[0]!.result.msg ?? '', /must be absolute paths/)
  // Through `roles:` the engine checks meta/argument_specs.yml before the role runs.
  const zip = await runIn(writeTree({ 'playbook.yml': `- hosts: old\n  gather_facts: false\n  roles:\n    - role: backup\n      vars: { backup_compression: zip }\n` }), { inventory })
  assert.notEqual(zip.code, 0)
  assert.match(zip.results('backup : validate arguments')[0]!.result.msg ?? '', /backup_compression/)
})
