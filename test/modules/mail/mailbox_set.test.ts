// mailbox_set for real on this machine: two test accounts (tsplay-t-*) with homes in a temp
// folder, one of them with a Maildir, a spool folder, and a private postfix configuration whose
// alias_maps names an aliases file that delivers to an mbox (postconf -c).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runner } from '../real-run.js'

const run = runner()
const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-mbox-'))
const A = `tsplay-t-ma${process.pid % 10000}`
const B = `tsplay-t-mb${process.pid % 10000}`
const conf = join(dir, 'conf')

const has = (name: string): boolean => {
  try {
    execFileSync('getent', ['passwd', name], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

before(() => {
  for (const [name, home] of [[A, join(dir, 'srv', A)], [B, join(dir, 'srv', B)]] as const) {
    mkdirSync(home, { recursive: true })
    execFileSync('useradd', ['-M', '-d', home, '-s', '/usr/sbin/nologin', name])
  }
  for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(dir, 'srv', A, 'Maildir', d), { recursive: true })
  mkdirSync(join(dir, 'spool'))
  mkdirSync(conf)
  for (const f of ['main.cf', 'master.cf']) copyFileSync(join('/etc/postfix', f), join(conf, f))
  writeFileSync(join(dir, 'aliases'), `# archive\narchive: ${join(dir, 'archive.mbox')}, "${join(dir, 'missing.mbox')}"\npipe: |/usr/bin/true\nlist: :include:${join(dir, 'list')}\n`)
  writeFileSync(join(dir, 'archive.mbox'), '')
  execFileSync('postconf', ['-c', conf, '-e', `alias_maps = hash:${join(dir, 'aliases')}`])
})
after(() => {
  for (const name of [A, B]) if (has(name)) execFileSync('userdel', [name])
  rmSync(dir, { recursive: true, force: true })
})

test('mailbox_set: the Maildirs of the named users, the spools that exist, and for a backup the homes outside /home and the mbox aliases deliver to', async () => {
  const args = { names: [A, B, 'tsplay-t-nosuch'], spools: [join(dir, 'spool/'), join(dir, 'nospool')], config_dir: conf }
  for (const check of [true, false]) {
    const r = await run('mailbox_set', args, { check })
    assert.equal(r.status, 'ok', r.msg)
    assert.deepEqual(r.data.mailboxes, { [A]: join(dir, 'srv', A, 'Maildir') })
    assert.deepEqual(r.data.paths, [join(dir, 'srv', A, 'Maildir/'), join(dir, 'spool/')])
    const extra = r.data.backup_extra as string[]
    assert.deepEqual(extra.filter((p) => p.startsWith(dir)), [join(dir, 'srv', A) + '/', join(dir, 'srv', B) + '/', join(dir, 'archive.mbox')])
  }
})

test('mailbox_set without names takes the accounts of the uid range', async () => {
  const uid = Number(execFileSync('id', ['-u', A], { encoding: 'utf8' }))
  const r = await run('mailbox_set', { uid_min: uid, uid_max: uid, config_dir: conf })
  assert.deepEqual(Object.keys(r.data.mailboxes as object).filter((n) => n !== 'root'), [A])
})
