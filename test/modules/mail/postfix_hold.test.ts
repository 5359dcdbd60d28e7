// postfix_hold for real with this machine's postsuper on a private queue (a copy of its main.cf
// with queue_directory in a temp folder, postsuper -c): the listed ids in hold are released or
// deleted once, a second run and --check after it find nothing to do, ids not held are left alone.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { contract, runner } from '../real-run.js'

const run = runner()
const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-hold-'))
const conf = join(dir, 'conf')
const q = join(dir, 'q')
const ids = join(dir, 'ids')

/** The queue files, as queue/id (hashed subfolders left out). */
function queue(): string[] {
  const out: string[] = []
  const walk = (d: string, name: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name), name) : out.push(`${name}/${e.name}`)
  }
  for (const name of ['hold', 'deferred']) walk(join(q, name), name)
  return out.sort()
}

/** A queue file as postfix leaves one: owned by postfix, mode 0700. */
const queued = (name: string, id: string) => execFileSync('install', ['-o', 'postfix', '-m', '700', '/dev/null', join(q, name, id)])

before(() => {
  mkdirSync(conf)
  for (const f of ['main.cf', 'master.cf']) copyFileSync(join('/etc/postfix', f), join(conf, f))
  execFileSync('postconf', ['-c', conf, '-e', `queue_directory = ${q}`, 'maillog_file ='])
  for (const d of ['incoming', 'active', 'deferred', 'hold', 'maildrop', 'defer', 'bounce', 'trace', 'flush', 'corrupt', 'saved']) {
    execFileSync('install', ['-d', '-o', 'postfix', '-g', 'root', '-m', '700', join(q, d)])
  }
})
after(() => rmSync(dir, { recursive: true, force: true }))

test('released: the listed ids in hold leave it once; a held id not listed stays held', async () => {
  queued('hold', '4F1A2B3C4D')
  queued('hold', '5E6F7A8B9C')
  writeFileSync(ids, '4F1A2B3C4D\nA1B2C3D4E5\n')
  const args = { ids_file: ids, config_dir: conf, flush: false }
  const c = await contract(run, queue, 'postfix_hold', args)
  assert.equal(c.first.msg, `released 1 of the 2 queue ids in ${ids} from the hold queue`)
  assert.deepEqual(queue(), ['deferred/4F1A2B3C4D', 'hold/5E6F7A8B9C'])
  assert.equal(c.second.msg, `none of the 2 queue ids in ${ids} is in the hold queue`)
})

test('deleted: the listed ids still in hold are deleted once, released ones are not touched', async () => {
  writeFileSync(ids, '4F1A2B3C4D\n5E6F7A8B9C\n')
  await contract(run, queue, 'postfix_hold', { ids_file: ids, config_dir: conf, state: 'deleted' })
  assert.deepEqual(queue(), ['deferred/4F1A2B3C4D'])
})

test('a missing ids file means nothing to do, in --check as in a real run', async () => {
  for (const check of [true, false]) {
    const r = await run('postfix_hold', { ids_file: join(dir, 'missing'), config_dir: conf }, { check })
    assert.equal(r.status, 'ok')
    assert.equal(r.msg, `${join(dir, 'missing')} does not exist: no queue ids to act on`)
  }
  assert.equal(existsSync(join(dir, 'missing')), false)
})
