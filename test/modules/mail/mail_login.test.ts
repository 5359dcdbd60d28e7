// mail_login for real on this machine: a port nobody listens on is a failed login that says so,
// and the password never appears in what the task returns.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { runner } from '../real-run.js'

const run = runner()

test('a POP3 server that refuses the password fails the task with its answer, never the password', async () => {
  const server = createServer((s) => {
    s.write('+OK ready\r\n')
    s.on('data', (d) => {
      const l = d.toString()
      if (l.startsWith('USER')) s.write('+OK\r\n')
      else if (l.startsWith('PASS')) s.end('-ERR [AUTH] Invalid login\r\n')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  try {
    const r = await run('mail_login', { user: 'alice', password: 's3cret-pw', pop3_port: port, imap: false, timeout: 5 })
    assert.equal(r.status, 'failed')
    assert.equal(r.msg, `mail login failed for alice at 127.0.0.1: POP3 127.0.0.1:${port}: login as alice refused: -ERR [AUTH] Invalid login`)
    assert.doesNotMatch(JSON.stringify(r), /s3cret-pw/)
  } finally {
    server.close()
  }
})

test('nothing listening is a failed login that says it cannot connect', async () => {
  const r = await run('mail_login', { user: 'alice', password: 'pw', pop3: false, imap_port: 1, timeout: 2 })
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /IMAP 127\.0\.0\.1:1: cannot connect/)
})
