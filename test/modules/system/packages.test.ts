// apt, package_facts and debconf for real. apt installs and removes the tiny `hello` package
// (not installed on these machines); debconf answers go to a made-up tsplay-t-pkg, purged after.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HOSTILE, cycle, run } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-pkg-'))
const status = (pkg: string): string => {
  try {
    return execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  } catch {
    return 'unknown'
  }
}
const helloWasInstalled = status('hello').startsWith('installed ')
const selection = (q: string): string => {
  try {
    return execFileSync('sh', ['-c', 'grep -A3 -x -F -- "Name: $1" /var/cache/debconf/config.dat | grep "^Value:" || true', 'sh', q], { encoding: 'utf8' })
  } catch {
    return ''
  }
}

after(() => {
  if (!helloWasInstalled && status('hello') !== 'unknown') execFileSync('apt-get', ['purge', '-y', '-q', 'hello'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  execFileSync('debconf-communicate', ['tsplay-t-pkg'], { input: 'PURGE\n', stdio: ['pipe', 'ignore', 'ignore'] })
  rmSync(dir, { recursive: true, force: true })
})

test('apt installs a missing package once, package_facts sees it, and absent removes it once', { skip: helloWasInstalled && 'hello is already installed here' }, async () => {
  const [dry] = await cycle('apt', { name: 'hello', install_recommends: false }, async () => status('hello'))
  assert.match(dry!.planned![0]!, /^apt-get install -y -q .* -o APT::Install-Recommends=no -- hello$/)
  assert.match(status('hello'), /^installed /)
  const facts = await run('package_facts', {})
  const pkgs = (facts.data.ansible_facts as { packages: Record<string, Array<Record<string, string>>> }).packages
  assert.equal(pkgs.hello?.[0]?.source, 'apt')
  assert.equal(pkgs.hello?.[0]?.version, status('hello').split(' ')[1])
  await cycle('apt', { name: 'hello', state: 'absent', purge: true }, async () => status('hello'))
  assert.doesNotMatch(status('hello'), /^installed/)
})

test('apt refuses hostile package names without running anything', async () => {
  const sentinel = join(dir, 'SENTINEL')
  for (const v of HOSTILE(sentinel)) {
    const r = await run('apt', { name: v })
    assert.equal(r.status, 'failed', JSON.stringify(v))
    assert.match(r.msg ?? '', /is not a valid package name$/)
  }
  assert.equal(existsSync(sentinel), false)
})

test('apt --check does not count the cache update that comes before packages already installed', async () => {
  const r = await run('apt', { name: 'coreutils', update_cache: true }, { check: true })
  assert.equal(r.status, 'ok', r.msg)
  assert.match(r.msg ?? '', /^coreutils \S+ already installed$/)
  assert.match(r.planned?.[0] ?? '', /^apt-get update -q /)
})

test('apt fails for a package no repository has', async () => {
  const r = await run('apt', { name: 'tsplay-t-no-such-package' })
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, "No package matching 'tsplay-t-no-such-package' is available")
})

test('debconf sets an answer once, with hostile text stored literally', async () => {
  const sentinel = join(dir, 'SENTINEL')
  const value = `it's "$(touch ${sentinel})" \`touch ${sentinel}\`; -x`
  const args = { name: 'tsplay-t-pkg', question: 'tsplay-t-pkg/greeting', vtype: 'string', value }
  await cycle('debconf', args, async () => selection('tsplay-t-pkg/greeting'))
  assert.equal(selection('tsplay-t-pkg/greeting'), `Value: ${value}\n`)
  assert.equal(existsSync(sentinel), false)
  const changed = await run('debconf', { ...args, value: 'hello' }, { diff: true })
  assert.equal(changed.status, 'changed')
  assert.deepEqual(changed.diff, [{ path: 'debconf tsplay-t-pkg', before: `tsplay-t-pkg/greeting: ${value}\n`, after: 'tsplay-t-pkg/greeting: hello\n' }])
})

test('debconf booleans given as yes compare equal to the stored true', async () => {
  const args = { name: 'tsplay-t-pkg', question: 'tsplay-t-pkg/enable', vtype: 'boolean', value: 'yes' }
  await cycle('debconf', args, async () => selection('tsplay-t-pkg/enable'))
  assert.equal(selection('tsplay-t-pkg/enable'), 'Value: true\n')
  assert.equal((await run('debconf', { ...args, value: true })).status, 'ok')
})
