// Where the password comes from: a file, an executable file, the environment; none is a clear error.
import assert from 'node:assert/strict'
import { chmodSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { isTsplayError, OptionsError } from '../../src/errors.js'
import { passwordProvider } from '../../src/vault/password.js'
import { writeTree } from '../helpers/run-playbook.js'

const at = { file: '/srv/site/group_vars/all.yml', line: 4, col: 9 }

test('a password file is read with its trailing newline stripped', () => {
  const dir = writeTree({ 'pw.txt': 'from-the-file\n' })
  const p = passwordProvider({ file: join(dir, 'pw.txt'), env: {}, prompt: false })
  assert.deepEqual(p.get(at), { value: 'from-the-file', source: `the file ${join(dir, 'pw.txt')}` })
})

test('an executable password file is run and its output is the password', () => {
  const dir = writeTree({ 'pw.sh': '#!/bin/sh\necho "from-the-$(echo script)"\n' })
  chmodSync(join(dir, 'pw.sh'), 0o755)
  assert.equal(passwordProvider({ file: join(dir, 'pw.sh'), env: {}, prompt: false }).get(at).value, 'from-the-script')
})

test('a failing password script is an error with its exit code', () => {
  const dir = writeTree({ 'pw.sh': '#!/bin/sh\nexit 3\n' })
  chmodSync(join(dir, 'pw.sh'), 0o755)
  assert.throws(() => passwordProvider({ file: join(dir, 'pw.sh'), env: {}, prompt: false }).get(at), /vault password script .*pw\.sh failed with exit code 3/)
})

test('TSPLAY_VAULT_PASSWORD is used when there is no password file', () => {
  assert.equal(passwordProvider({ env: { TSPLAY_VAULT_PASSWORD: 'from-env' }, prompt: false }).get(at).value, 'from-env')
})

test('the password file wins over the environment', () => {
  const dir = writeTree({ 'pw.txt': 'file-wins' })
  assert.equal(passwordProvider({ file: join(dir, 'pw.txt'), env: { TSPLAY_VAULT_PASSWORD: 'env' }, prompt: false }).get(at).value, 'file-wins')
})

test('the password is read once and reused', () => {
  const dir = writeTree({ 'count.sh': '#!/bin/sh\necho x >> "$(dirname "$0")/runs"\necho pw\n' })
  chmodSync(join(dir, 'count.sh'), 0o755)
  const p = passwordProvider({ file: join(dir, 'count.sh'), env: {}, prompt: false })
  p.get(at)
  p.get(at)
  assert.equal(readFileSync(join(dir, 'runs'), 'utf8'), 'x\n')
})

test('no password anywhere names the value and every way to give one', () => {
  assert.throws(
    () => passwordProvider({ env: {}, prompt: false }).get(at),
    (e: unknown) =>
      isTsplayError(e) &&
      e.message === '/srv/site/group_vars/all.yml:4: a vault-encrypted value needs a password, and none was given' &&
      /--vault-password-file/.test(e.hint ?? '') &&
      /TSPLAY_VAULT_PASSWORD/.test(e.hint ?? '') &&
      /terminal/.test(e.hint ?? ''),
  )
})

test('a missing or empty password file is an options error', () => {
  const dir = writeTree({ 'empty.txt': '\n' })
  assert.throws(() => passwordProvider({ file: join(dir, 'nope.txt'), env: {}, prompt: false }).get(at), (e: unknown) => e instanceof OptionsError && /no such file/.test(e.message))
  assert.throws(() => passwordProvider({ file: join(dir, 'empty.txt'), env: {}, prompt: false }).get(at), /is empty/)
})
