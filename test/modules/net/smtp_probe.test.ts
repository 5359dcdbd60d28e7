// smtp_probe against a tiny fake SMTP responder in a namespace (real postfix is covered by the
// lab-host tests): banner, expect_banner, RCPT acceptance, refused connections, hostile values.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNetns, fakeSmtpArgs, waitForOutput, type Netns } from '../../helpers/netns.js'
import { getModule } from '../../../src/modules/index.js'
import { check } from '../../../src/schema/validate.js'
import { runner, type Over } from '../real-run.js'

let ns: Netns
let dir: string
before(async () => {
  ns = createNetns('mx')
  dir = await mkdtemp(join(tmpdir(), 'tsplay-smtp-'))
  await waitForOutput(ns.spawn(fakeSmtpArgs('127.0.0.1', 25, 'mx.new.example ESMTP Postfix')), 'ready')
})
after(async () => {
  ns.remove()
  await rm(dir, { recursive: true, force: true })
})

const run = (args: Record<string, unknown>, over: Over = {}) => runner({ conn: ns.conn })('smtp_probe', args, over)

test('the banner and code come back, and the probe never changes anything', async () => {
  const r = await run({ expect_banner: 'new\\.example' })
  assert.equal(r.status, 'ok', r.msg)
  assert.equal(r.data.banner, '220 mx.new.example ESMTP Postfix')
  assert.equal(r.data.code, 220)
  assert.equal(r.msg, '127.0.0.1:25 answered 220 mx.new.example ESMTP Postfix')
  assert.deepEqual(r.data.transcript, [
    'S: 220 mx.new.example ESMTP Postfix',
    'C: EHLO tsplay.probe',
    'S: 250-fake.test',
    'S: 250 8BITMIME',
    'C: QUIT',
    'S: 221 2.0.0 Bye',
  ])
  assert.equal((await run({}, { check: true })).status, 'ok')
})

test('a banner that does not match expect_banner fails the task', async () => {
  const r = await run({ expect_banner: 'old\\.example' })
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, "banner '220 mx.new.example ESMTP Postfix' does not match expect_banner old\\.example")
})

test('an accepted recipient passes without DATA; a refused one fails with the reply', async () => {
  const ok = await run({ mail_from: 'probe@example.org', rcpt_to: 'postmaster@example.org' })
  assert.equal(ok.status, 'ok', ok.msg)
  assert.equal(ok.data.rcpt_to_code, 250)
  assert.ok(!(ok.data.transcript as string[]).some((l) => /^C: DATA/.test(l)))
  const bad = await run({ rcpt_to: 'nobody@example.org' })
  assert.equal(bad.status, 'failed')
  assert.equal(bad.msg, 'RCPT TO:<nobody@example.org> refused by 127.0.0.1:25: 550 5.1.1 <nobody@example.org>: Recipient address rejected')
})

test('a closed port fails with a clear message', async () => {
  const r = await run({ port: 2699, timeout: 1 })
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, 'Cannot connect to 127.0.0.1:2699')
})

test('hostile values are sent as text, never run; CR/LF cannot add SMTP commands', async () => {
  const sentinel = join(dir, 'SENTINEL')
  const r = await run({ helo: `$(touch${'${IFS}'}${sentinel})`, mail_from: `"\`touch ${sentinel}\`; x"@example.org`, rcpt_to: `'$(touch ${sentinel})'@example.org` })
  assert.equal(r.status, 'ok', r.msg)
  assert.ok((r.data.transcript as string[]).includes(`C: EHLO $(touch\${IFS}${sentinel})`))
  assert.equal(existsSync(sentinel), false)
  const mod = getModule('smtp_probe')!
  assert.match(check(mod.schema, { rcpt_to: 'a@b>\r\nDATA' })?.message ?? '', /must match pattern/)
  assert.match(check(mod.schema, { helo: 'x\nQUIT' })?.message ?? '', /must match pattern/)
})

test('with verifies, --check skips the probe without connecting; the real run probes', async () => {
  const closed = { host: '127.0.0.1', port: 2599, timeout: 1, verifies: true }
  const checked = await run(closed, { check: true })
  assert.equal(checked.status, 'skipped')
  assert.equal(checked.msg, 'skipped in check mode: it verifies what the run makes')
  assert.equal((await run(closed)).status, 'failed', 'the real run connects (nothing listens on 2599)')
  assert.equal((await run({ expect_banner: 'new\\.example' }, { check: true })).status, 'ok', 'without verifies --check probes as a real run')
})
