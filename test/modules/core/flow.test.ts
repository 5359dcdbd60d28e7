// setup, pause, debug, set_fact and fail run for real through the one runner.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { hostname } from 'node:os'
import { quote } from '../../../src/connection/quote.js'
import { FACTS_SCRIPT, parseFacts } from '../../../src/modules/core/setup-facts.js'
import { localContext } from '../context.js'
import { runner } from '../real-run.js'
import { unlessCi } from '../../helpers/skip.js'

const run = runner()

test('setup gathers Ansible-named facts of this machine in one command', async () => {
  const r = await run('setup', {})
  assert.equal(r.status, 'ok')
  const f = r.data.ansible_facts as Record<string, unknown>
  assert.equal(f.ansible_hostname, hostname().split('.')[0])
  assert.equal(f.ansible_system, 'Linux')
  assert.equal(typeof f.ansible_kernel, 'string')
  assert.ok(Number(f.ansible_memtotal_mb) > 0)
  assert.ok(['systemd', 'sysvinit', 'unknown'].includes(String(f.ansible_service_mgr)))
  assert.ok((f.ansible_interfaces as string[]).includes('lo'))
  assert.ok((f.ansible_mounts as Array<{ mount: string }>).some((m) => m.mount === '/'))
  if (existsSync('/etc/os-release')) assert.notEqual(f.ansible_distribution, 'Unknown')
})

test('setup filter keeps only matching facts', async () => {
  const r = await run('setup', { filter: 'ansible_distribution*' })
  const keys = Object.keys(r.data.ansible_facts as object)
  assert.ok(keys.length > 0)
  assert.ok(keys.every((k) => k.startsWith('ansible_distribution')))
})

const ctx = localContext()
const canNetns = (await ctx.conn.exec('unshare -n true')).rc === 0
test('in a netns without a default route the first non-loopback address is the default', { skip: unlessCi(!canNetns && 'needs unshare -n') }, async () => {
  const script = `ip link set lo up && ip addr add 10.9.9.9/24 dev lo || exit 9\n${FACTS_SCRIPT}`
  const r = await ctx.conn.exec(`unshare -n /bin/sh -c ${quote(script)}`)
  assert.equal(r.rc, 0)
  const f = parseFacts(r.stdout)
  assert.deepEqual(f.ansible_default_ipv4, { address: '10.9.9.9', interface: 'lo', prefix: '24', netmask: '255.255.255.0' })
  assert.deepEqual(f.ansible_all_ipv4_addresses, ['10.9.9.9'])
})

test('pause waits, also in check mode', async () => {
  const t0 = Date.now()
  const r = await run('pause', { seconds: '0.3' }, { check: true })
  assert.ok(Date.now() - t0 >= 290)
  assert.equal(r.status, 'ok')
  assert.equal(r.msg, 'Paused for 0.3 seconds')
})

test('an aborted pause stops the run instead of failing the task', async () => {
  const ac = new AbortController()
  setTimeout(() => ac.abort(), 50)
  await assert.rejects(run('pause', { minutes: 1 }, { signal: ac.signal }), { name: 'InterruptedError' })
})

test('debug msg is the task message and registered data', async () => {
  const r = await run('debug', { msg: 'cutover at 02:00' })
  assert.equal(r.status, 'ok')
  assert.equal(r.msg, 'cutover at 02:00')
  assert.deepEqual(r.data, { msg: 'cutover at 02:00' })
})

test('debug above the run verbosity is skipped and shows nothing, as in Ansible', async () => {
  const r = await run('debug', { msg: 'noisy', verbosity: 1 }, { vars: { ansible_verbosity: 0 } })
  assert.equal(r.status, 'skipped')
  assert.equal(r.data.msg, undefined)
})

test('set_fact returns facts for the executor and fail fails with its message', async () => {
  const s = await run('set_fact', { old_mx: 'mx1' })
  assert.deepEqual(s.data.ansible_facts, { old_mx: 'mx1' })
  const f = await run('fail', { msg: 'queue not empty' })
  assert.equal(f.status, 'failed')
  assert.equal(f.msg, 'queue not empty')
})

test('debug var shows the evaluated value, and a marker when it is undefined', async () => {
  const r = await run('debug', { var: 'queue.count + 1' }, { vars: { queue: { count: 2 } } })
  assert.equal(r.msg, 'queue.count + 1: 3')
  assert.deepEqual(r.data, { 'queue.count + 1': 3 })
  const u = await run('debug', { var: 'nope' })
  assert.equal(u.status, 'ok')
  assert.deepEqual(u.data, { nope: 'VARIABLE IS NOT DEFINED!' })
})

test('assert passes when all conditions hold and names the first one that does not', async () => {
  const vars = { ansible_memtotal_mb: 512, ansible_os_family: 'Debian' }
  const ok = await run('assert', { that: ['ansible_os_family == "Debian"', true] }, { vars })
  assert.equal(ok.status, 'ok')
  assert.equal(ok.msg, 'All assertions passed')
  const bad = await run('assert', { that: ['ansible_os_family == "Debian"', 'ansible_memtotal_mb >= 1024'], fail_msg: 'needs 1 GB' }, { vars })
  assert.equal(bad.status, 'failed')
  assert.equal(bad.msg, 'needs 1 GB')
  assert.equal(bad.data.assertion, 'ansible_memtotal_mb >= 1024')
})

test('assert on an undefined variable fails the task with the template error', async () => {
  const r = await run('assert', { that: 'missing_var == 1' })
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /undefined variable 'missing_var'/)
})
