// hostname for real inside a UTS + mount namespace of our own, with a temp file bound over
// /etc/hostname there: the machine's own name and /etc/hostname never change.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname as machineName, tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { HOSTILE, PrefixConnection, cycle, prefixContext, run } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-hostname-'))
const FILE = join(dir, 'hostname')
let holder: ChildProcess
let ctx: ReturnType<typeof prefixContext>
const inside = (...cmd: string[]): string => execFileSync('nsenter', ['--target', String(holder.pid), '--uts', '--mount', ...cmd], { encoding: 'utf8' }).trim()
const probe = async () => ({ live: inside('hostname'), file: readFileSync(FILE, 'utf8') })
const machineFile = readFileSync('/etc/hostname', 'utf8')

before(async () => {
  writeFileSync(FILE, 'old-name\n')
  // The namespaces live as long as this process; it is killed (by its pid) after the tests.
  holder = spawn('unshare', ['--uts', '--mount', '--propagation', 'private', 'sleep', '600'], { stdio: 'ignore' })
  await sleep(200)
  inside('mount', '--bind', FILE, '/etc/hostname')
  inside('hostname', 'old-name')
  ctx = prefixContext(new PrefixConnection(['nsenter', '--target', String(holder.pid), '--uts', '--mount']))
})
after(() => {
  holder.kill()
  rmSync(dir, { recursive: true, force: true })
})

test('the name is set live and in /etc/hostname once, then reported as already set', async () => {
  const [, , second] = await cycle('hostname', { name: 'mx2.example.org' }, probe, ctx)
  assert.deepEqual(await probe(), { live: 'mx2.example.org', file: 'mx2.example.org\n' })
  assert.equal(second!.msg, 'host name is already mx2.example.org')
  assert.equal(machineName(), execFileSync('hostname', { encoding: 'utf8' }).trim())
  assert.equal(readFileSync('/etc/hostname', 'utf8'), machineFile, "the machine's /etc/hostname is untouched")
})

test('hostile names are refused and never execute', async () => {
  const sentinel = join(dir, 'SENTINEL')
  for (const v of HOSTILE(sentinel)) {
    const r = await run('hostname', { name: v }, ctx)
    assert.equal(r.status, 'failed', JSON.stringify(v))
    assert.match(r.msg ?? '', /is not a valid host name$/)
  }
  assert.equal(existsSync(sentinel), false)
  assert.equal(inside('hostname'), 'mx2.example.org')
})
