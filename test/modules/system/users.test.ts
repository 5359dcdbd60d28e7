// user and group for real: created, changed, removed twice over, uid/gid clashes named, and
// hostile names or comments never executed. Test accounts are named tsplay-t-*.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HOSTILE, cycle, run } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-users-'))
const U = `tsplay-t-u${process.pid % 10000}`
const G = `tsplay-t-g${process.pid % 10000}`
const G2 = `tsplay-t-h${process.pid % 10000}`

const getent = (db: string, key: string): string => {
  try {
    return execFileSync('getent', [db, key], { encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}
/** A uid/gid pair that nobody on this machine uses. */
function freeId(start: number): number {
  for (let id = start; ; id++) if (!getent('passwd', String(id)) && !getent('group', String(id))) return id
}

after(() => {
  rmSync(dir, { recursive: true, force: true })
  for (const [cmd, name] of [['userdel', U], ['groupdel', G], ['groupdel', G2], ['groupdel', U]] as const) {
    if (getent(cmd === 'userdel' ? 'passwd' : 'group', name)) execFileSync(cmd, cmd === 'userdel' ? ['-r', name] : [name], { stdio: 'ignore' })
  }
})

test('group is created with its gid, then reported as already there', async () => {
  const gid = freeId(47000)
  await cycle('group', { name: G, gid }, async () => getent('group', G))
  assert.equal(getent('group', G).split(':')[2], String(gid))
})

test('a gid held by another group fails and names both groups', async () => {
  const gid = Number(getent('group', G).split(':')[2])
  const r = await run('group', { name: G2, gid })
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, `gid ${gid} is already used by group '${G}', cannot give it to group '${G2}'`)
  assert.equal(getent('group', G2), '')
})

test('user is created with uid, group, groups, shell, comment and password hash, then ok', async () => {
  const uid = freeId(47100)
  execFileSync('groupadd', [G2])
  const home = join(dir, 'home')
  const args = { name: U, uid, group: G, groups: [G2], shell: '/bin/sh', home, comment: `Mail "box" $(touch x) \`id\`; 'q'`, password: '$6$abc$defg' }
  const [, first] = await cycle('user', args, async () => getent('passwd', U))
  const f = getent('passwd', U).split(':')
  assert.deepEqual([f[2], f[3], f[4], f[5], f[6]], [String(uid), getent('group', G).split(':')[2], args.comment, home, '/bin/sh'])
  assert.equal(getent('shadow', U).split(':')[1], '$6$abc$defg')
  assert.ok(existsSync(home), 'create_home made the home directory')
  assert.ok(getent('group', G2).split(':')[3]!.split(',').includes(U))
  assert.doesNotMatch(JSON.stringify(first!.diff), /defg/, 'the hash never appears in the diff')
})

test('changing the password hash shows (changed), never the hash', async () => {
  const r = await run('user', { name: U, password: '$6$xyz$secret' }, { diff: true })
  assert.equal(r.status, 'changed')
  assert.match(r.diff![0]!.after, /password: \(changed\)/)
  assert.doesNotMatch(JSON.stringify(r.diff), /secret|defg/)
  assert.equal((await run('user', { name: U, password: '$6$xyz$secret' })).status, 'ok')
})

test('groups without append replaces, with append only adds', async () => {
  const r = await run('user', { name: U, groups: [] })
  assert.equal(r.status, 'changed')
  assert.ok(!getent('group', G2).split(':')[3]!.split(',').includes(U))
  assert.equal((await run('user', { name: U, groups: [G2], append: true })).status, 'changed')
  assert.equal((await run('user', { name: U, groups: [G2], append: true })).status, 'ok')
})

test('a uid held by another user fails and names both users', async () => {
  const uid = Number(getent('passwd', U).split(':')[2])
  const r = await run('user', { name: `${U}x`, uid })
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, `uid ${uid} is already used by user '${U}', cannot give it to user '${U}x'`)
})

test('hostile user and group names are refused by the tools and never executed', async () => {
  const sentinel = join(dir, 'SENTINEL')
  for (const name of HOSTILE(sentinel)) {
    for (const mod of ['user', 'group']) {
      const r = await run(mod, { name })
      assert.equal(r.status, 'failed', `${mod} ${JSON.stringify(name)}`)
      assert.equal(existsSync(sentinel), false, `${mod} ${JSON.stringify(name)} executed something`)
    }
  }
})

test('user absent with remove deletes the account and its home, then is ok', async () => {
  const home = getent('passwd', U).split(':')[5]!
  await cycle('user', { name: U, state: 'absent', remove: true }, async () => getent('passwd', U))
  assert.equal(existsSync(home), false)
})

test('group absent deletes the group, then is ok', async () => {
  await cycle('group', { name: G, state: 'absent' }, async () => getent('group', G))
})
