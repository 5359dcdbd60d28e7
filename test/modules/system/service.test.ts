// service for real on a sysvinit script (no systemd on these machines): a tiny sleep daemon with a
// pidfile in /etc/init.d/tsplay-t-svc, started, enabled, restarted, reloaded, stopped, disabled.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HOSTILE, cycle, run } from './helpers.js'

const NAME = 'tsplay-t-svc'
const SCRIPT = `/etc/init.d/${NAME}`
const PIDFILE = `/run/${NAME}.pid`
const dir = mkdtempSync(join(tmpdir(), 'tsplay-t-svc-'))
const DAEMON = join(dir, 'tsplay-t-svc-daemon')
const LOG = join(dir, 'reloads')

const pid = (): string => (existsSync(PIDFILE) ? readFileSync(PIDFILE, 'utf8').trim() : '')
const running = (): boolean => pid() !== '' && existsSync(`/proc/${pid()}`)
const links = (): string[] => ['2', '3', '4', '5'].flatMap((l) => readdirSync(`/etc/rc${l}.d`).filter((f) => f.endsWith(NAME) && f.startsWith('S')))
const probe = async () => ({ running: running(), pid: pid(), links: links() })

before(() => {
  // A copy of sleep under a unique name, so `pattern` can find it in /proc/*/cmdline.
  copyFileSync('/bin/sleep', DAEMON)
  execFileSync('chmod', ['755', DAEMON])
  writeFileSync(
    SCRIPT,
    `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${NAME}
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: tsplay test daemon
### END INIT INFO
PIDFILE=${PIDFILE}
running() { [ -f $PIDFILE ] && kill -0 "$(cat $PIDFILE)" 2>/dev/null; }
case "$1" in
  start) running || { setsid ${DAEMON} 3600 </dev/null >/dev/null 2>&1 & echo $! > $PIDFILE; } ;;
  stop) running && kill "$(cat $PIDFILE)"; rm -f $PIDFILE ;;
  restart) "$0" stop; "$0" start ;;
  reload) running && echo reload >> ${LOG} ;;
  status) running ;;
  *) echo "Usage: $0 {start|stop|restart|reload|status}" >&2; exit 2 ;;
esac
`,
    { mode: 0o755 },
  )
})

after(() => {
  if (running()) execFileSync(SCRIPT, ['stop'])
  execFileSync('update-rc.d', ['-f', NAME, 'remove'], { stdio: 'ignore' })
  rmSync(SCRIPT, { force: true })
  rmSync(PIDFILE, { force: true })
  rmSync(dir, { recursive: true, force: true })
})

test('started starts a stopped sysvinit service once, then says it is running', async () => {
  const [, , second] = await cycle('service', { name: NAME, state: 'started' }, probe)
  assert.ok(running())
  assert.equal(second!.msg, `service ${NAME} is already running`)
})

test('enabled creates the S links in /etc/rc[2-5].d once', async () => {
  await cycle('service', { name: NAME, enabled: true }, probe)
  assert.equal(links().length, 4)
})

test('restarted always restarts and reports changed', async () => {
  const old = pid()
  for (let i = 0; i < 2; i++) assert.equal((await run('service', { name: NAME, state: 'restarted' })).status, 'changed')
  assert.ok(running())
  assert.notEqual(pid(), old)
})

test('reloaded always reloads and reports changed', async () => {
  assert.equal((await run('service', { name: NAME, state: 'reloaded' })).status, 'changed')
  assert.equal(readFileSync(LOG, 'utf8'), 'reload\n')
})

test('pattern finds the daemon in the process table', async () => {
  const r = await run('service', { name: NAME, state: 'started', pattern: 'tsplay-t-svc-daemon 3600' })
  assert.equal(r.status, 'ok')
  const missing = await run('service', { name: NAME, state: 'stopped', pattern: 'tsplay-t-no-such-process' }, { check: true })
  assert.equal(missing.status, 'ok', 'a pattern that matches nothing means stopped')
})

test('stopped stops the running service once', async () => {
  await cycle('service', { name: NAME, state: 'stopped' }, probe)
  assert.equal(running(), false)
})

test('enabled false turns the S links into K links once', async () => {
  await cycle('service', { name: NAME, enabled: false }, probe)
  assert.deepEqual(links(), [])
})

test('a service without an init script fails with a clear message', async () => {
  const r = await run('service', { name: 'tsplay-t-nosuch', state: 'started' })
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, 'Could not find the requested service tsplay-t-nosuch: no script /etc/init.d/tsplay-t-nosuch')
})

test('hostile service names and patterns never execute', async () => {
  const sentinel = join(dir, 'SENTINEL')
  for (const v of [...HOSTILE(sentinel), '../../bin/touch']) {
    const r = await run('service', { name: v, state: 'started' })
    assert.equal(r.status, 'failed', JSON.stringify(v))
    const p = await run('service', { name: NAME, state: 'stopped', pattern: v })
    assert.equal(p.status, 'ok', JSON.stringify(v))
  }
  assert.equal(existsSync(sentinel), false)
})

test('service_facts reads whether the service runs, in --check as in a real run', async () => {
  execFileSync(SCRIPT, ['start'])
  for (const check of [true, false]) {
    const r = await run('service_facts', { names: [NAME, 'tsplay-t-nosuch'] }, { check })
    assert.equal(r.status, 'ok')
    const facts = r.data.ansible_facts as { services: Record<string, { state: string; source: string }> }
    assert.deepEqual(Object.keys(facts.services), [NAME], 'a service the host lacks is left out')
    assert.equal(facts.services[NAME]!.state, 'running')
    assert.equal(facts.services[NAME]!.source, 'sysv')
    assert.deepEqual(r.data.running, [NAME])
    assert.deepEqual(r.data.found, [NAME])
  }
  execFileSync(SCRIPT, ['stop'])
  const r = await run('service_facts', { names: [NAME] })
  assert.equal((r.data.ansible_facts as { services: Record<string, { state: string }> }).services[NAME]!.state, 'stopped')
  assert.deepEqual(r.data.running, [])
  const none = await run('service_facts', { names: [] })
  assert.deepEqual(none.data.ansible_facts, { services: {} }, 'an empty list reads no service')
  const all = await run('service_facts', {})
  assert.ok(NAME in (all.data.ansible_facts as { services: Record<string, unknown> }).services, 'without names every init script is read')
})
