// sysctl for real inside a network namespace of our own (its net.* keys are its own), with the
// persisted line in a temp file: the machine's sysctls and /etc/sysctl.conf are never touched.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HOSTILE, PrefixConnection, cycle, prefixContext, run } from './helpers.js'

const NS = `tsplay-t-sysctl-${process.pid}`
const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-sysctl-'))
const FILE = join(dir, '90-test.conf')
const ctx = prefixContext(new PrefixConnection(['ip', 'netns', 'exec', NS]))
const ttl = (): string => execFileSync('ip', ['netns', 'exec', NS, 'sysctl', '-n', 'net.ipv4.ip_default_ttl'], { encoding: 'utf8' }).trim()
const probe = async () => ({ live: ttl(), file: existsSync(FILE) ? readFileSync(FILE, 'utf8') : null })

before(() => {
  execFileSync('ip', ['netns', 'add', NS])
  writeFileSync(FILE, '# kept\nnet.core.somaxconn = 512\n')
})
after(() => {
  execFileSync('ip', ['netns', 'del', NS])
  rmSync(dir, { recursive: true, force: true })
})

test('a value is set live and persisted once, then reported as already set', async () => {
  const machine = execFileSync('sysctl', ['-n', 'net.ipv4.ip_default_ttl'], { encoding: 'utf8' }).trim()
  const [dry, , second] = await cycle('sysctl', { name: 'net.ipv4.ip_default_ttl', value: 61, sysctl_file: FILE }, probe, ctx)
  assert.ok(dry!.planned?.some((p) => p.includes('sysctl -q -w -- net.ipv4.ip_default_ttl=61')))
  assert.equal(ttl(), '61')
  assert.equal(readFileSync(FILE, 'utf8'), '# kept\nnet.core.somaxconn = 512\nnet.ipv4.ip_default_ttl=61\n')
  assert.equal(second!.msg, `net.ipv4.ip_default_ttl is already 61 in ${FILE} and live`)
  assert.equal(execFileSync('sysctl', ['-n', 'net.ipv4.ip_default_ttl'], { encoding: 'utf8' }).trim(), machine, "the machine's own value is untouched")
})

test('a live value that drifted is set again, the file is left as is', async () => {
  execFileSync('ip', ['netns', 'exec', NS, 'sysctl', '-q', '-w', 'net.ipv4.ip_default_ttl=64'])
  const r = await run('sysctl', { name: 'net.ipv4.ip_default_ttl', value: 61, sysctl_file: FILE }, { ...ctx, diff: true })
  assert.equal(r.status, 'changed')
  assert.deepEqual(r.diff, [{ path: 'sysctl net.ipv4.ip_default_ttl (live)', before: '64\n', after: '61\n' }])
  assert.equal(ttl(), '61')
})

test('a value the kernel rejects fails the task before the file is written', async () => {
  const r = await run('sysctl', { name: 'net.ipv4.ip_default_ttl', value: 'many', sysctl_file: FILE }, ctx)
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /^Command failed with exit code \d+: sysctl -q -w -- net.ipv4.ip_default_ttl=many/)
  assert.doesNotMatch(readFileSync(FILE, 'utf8'), /many/)
})

test('absent removes the line from the file once', async () => {
  await cycle('sysctl', { name: 'net.ipv4.ip_default_ttl', state: 'absent', sysctl_file: FILE }, probe, ctx)
  assert.equal(readFileSync(FILE, 'utf8'), '# kept\nnet.core.somaxconn = 512\n')
})

test('hostile keys and values never execute', async () => {
  const sentinel = join(dir, 'SENTINEL')
  for (const v of HOSTILE(sentinel)) {
    const k = await run('sysctl', { name: v, value: 1, sysctl_file: FILE }, ctx)
    assert.equal(k.status, 'failed', JSON.stringify(v))
    const val = await run('sysctl', { name: 'net.ipv4.ip_default_ttl', value: v, sysctl_file: FILE }, ctx)
    assert.equal(val.status, 'failed', JSON.stringify(v))
  }
  assert.equal(existsSync(sentinel), false)
  assert.equal(readFileSync(FILE, 'utf8'), '# kept\nnet.core.somaxconn = 512\n')
})
