// dns_record with verifies checks what the run changes: --check skips it without asking any
// server (the answer would be the one from before the run); the real run asks. Here the server is
// a local port where nothing answers DNS, so asking is a failure the test can see.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runner } from '../real-run.js'

const run = runner()

test('with verifies, --check skips the lookup without asking; the real run asks', async () => {
  const args = { name: 'mail.example.test', type: 'A', server: '127.0.0.1', timeout: 1, verifies: true }
  const checked = await run('dns_record', args, { check: true })
  assert.equal(checked.status, 'skipped')
  assert.equal(checked.msg, 'skipped in check mode: it verifies what the run makes')
  const real = await run('dns_record', args)
  assert.notEqual(real.status, 'skipped', 'the real run asks the server')
  const plain = await run('dns_record', { ...args, verifies: false }, { check: true })
  assert.notEqual(plain.status, 'skipped', 'without verifies --check asks as a real run')
})
