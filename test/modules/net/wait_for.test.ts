// wait_for for real inside a namespace: ports opening, closing and draining, files appearing
// with a text, timeouts with Ansible's messages, and hostile paths that stay data.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNetns, fakeSmtpArgs, waitForOutput, type Netns } from '../../helpers/netns.js'
import { getModule } from '../../../src/modules/index.js'
import { check } from '../../../src/schema/validate.js'
import { runner, type Over } from '../real-run.js'

let ns: Netns
let dir: string
before(async () => {
  ns = createNetns('target')
  dir = await mkdtemp(join(tmpdir(), 'tsplay-wait-'))
})
after(async () => {
  ns.remove()
  await rm(dir, { recursive: true, force: true })
})

const run = (args: Record<string, unknown>, over: Over = {}) => runner({ conn: ns.conn })('wait_for', args, over)

test('started waits until the port opens, and never reports a change', async () => {
  setTimeout(() => ns.spawn(fakeSmtpArgs('127.0.0.1', 2501, 'late.example ESMTP')), 700)
  const r = await run({ port: 2501, timeout: 10, sleep: 0.2 })
  assert.equal(r.status, 'ok', r.msg)
  assert.ok((r.data.elapsed as number) >= 0.5, `elapsed ${r.data.elapsed}`)
  assert.match(r.msg ?? '', /^127\.0\.0\.1:2501 is open after [\d.]+s$/)
})

test('search_regex waits for the banner and returns its groups, also in check mode', async () => {
  const s = ns.spawn(fakeSmtpArgs('127.0.0.1', 2502, 'mx2.example ESMTP'))
  await waitForOutput(s, 'ready')
  const r = await run({ port: 2502, search_regex: '^220 (?<name>\\S+) ESMTP', timeout: 5 }, { check: true })
  assert.equal(r.status, 'ok', r.msg)
  assert.deepEqual(r.data.match_groups, ['mx2.example'])
  assert.deepEqual(r.data.match_groupdict, { name: 'mx2.example' })
  const miss = await run({ port: 2502, search_regex: 'mx9', timeout: 0.5, sleep: 0.2, connect_timeout: 1.5 })
  assert.equal(miss.status, 'failed')
  assert.equal(miss.msg, 'Timeout when waiting for search string mx9 in 127.0.0.1:2502')
})

test('stopped succeeds on a closed port and times out on an open one with the Ansible message', async () => {
  assert.equal((await run({ port: 2599, state: 'stopped', timeout: 2 })).status, 'ok')
  const s = ns.spawn(fakeSmtpArgs('127.0.0.1', 2503, 'x'))
  await waitForOutput(s, 'ready')
  const r = await run({ port: 2503, state: 'stopped', timeout: 0.6, sleep: 0.2 })
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, 'Timeout when waiting for 127.0.0.1:2503 to stop.')
  const custom = await run({ port: 2503, state: 'stopped', timeout: 0, msg: 'old postfix still up' })
  assert.equal(custom.msg, 'old postfix still up')
})

test('drained waits while a client stays connected and succeeds once it left', async () => {
  const s = ns.spawn(fakeSmtpArgs('127.0.0.1', 2504, 'x'))
  await waitForOutput(s, 'ready')
  const holder = ns.spawn(['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/2504; echo held; sleep 30'])
  await waitForOutput(holder, 'held')
  const busy = await run({ port: 2504, state: 'drained', timeout: 0.5, sleep: 0.2 })
  assert.equal(busy.msg, 'Timeout when waiting for 127.0.0.1:2504 to drain')
  process.kill(holder.pid!, 'SIGKILL')
  const r = await run({ port: 2504, state: 'drained', timeout: 5, sleep: 0.2 })
  assert.equal(r.status, 'ok', r.msg)
})

test('a file is waited for until it contains the text; absent waits for it to go', async () => {
  const file = join(dir, 'maillog with spaces')
  setTimeout(() => void writeFile(file, 'starting\npostfix/master: daemon started -- version 3.7\n'), 500)
  const r = await run({ path: file, search_regex: 'version (\\d+\\.\\d+)', timeout: 5, sleep: 0.2 })
  assert.equal(r.status, 'ok', r.msg)
  assert.deepEqual(r.data.match_groups, ['3.7'])
  setTimeout(() => void rm(file), 400)
  assert.equal((await run({ path: file, state: 'absent', timeout: 5, sleep: 0.2 })).status, 'ok')
  const none = await run({ path: file, timeout: 0.3, sleep: 0.1 })
  assert.equal(none.msg, `Timeout when waiting for file ${file}`)
})

test('hostile paths and hosts are data: nothing runs', async () => {
  const sentinel = join(dir, 'SENTINEL')
  for (const path of [`$(touch ${sentinel})`, `\`touch ${sentinel}\``, `x; touch ${sentinel}`, `-rf\n touch ${sentinel}`]) {
    const r = await run({ path, timeout: 0, sleep: 0 })
    assert.equal(r.status, 'failed')
  }
  // A host cannot hold a '/' (it would change the /dev/tcp path); other shell syntax is inert.
  assert.match(check(getModule('wait_for')!.schema, { host: `$(touch ${sentinel})`, port: 25 })?.message ?? '', /must match pattern/)
  const bad = await run({ host: '$(touch${IFS}tsplay-wait-sentinel);`touch${IFS}tsplay-wait-sentinel`', port: 25, timeout: 0, connect_timeout: 1 }, { conn: ns.conn })
  assert.equal(bad.status, 'failed')
  assert.equal(existsSync(sentinel), false)
  assert.equal(existsSync('tsplay-wait-sentinel'), false)
})
