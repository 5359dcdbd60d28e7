// `tsplay vault ...` on real files: encrypt, decrypt, view, edit with $EDITOR, encrypt_string.
import assert from 'node:assert/strict'
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { vaultCommand, type VaultIO } from '../../src/cli/vault-command.js'
import { isTsplayError } from '../../src/errors.js'
import { loadVarsFile } from '../../src/playbook/vars-file.js'
import { VAULT_HEADER } from '../../src/vault/envelope.js'
import { withVault } from '../../src/vault/session.js'
import { sink } from '../reporter/fixtures.js'
import { writeTree } from '../helpers/run-playbook.js'
import { PASSWORD, SECRET, session } from './helpers.js'

function io(env: NodeJS.ProcessEnv = { TSPLAY_VAULT_PASSWORD: PASSWORD }, stdin = ''): VaultIO & { text: () => string } {
  const s = sink()
  return { out: s.out, env, prompt: false, readStdin: () => stdin, text: s.text }
}

const PLAIN = `db_password: ${SECRET}\n`

test('encrypt replaces the file by a vault, keeping its mode; decrypt restores it', async () => {
  const dir = writeTree({ 'vars.yml': PLAIN })
  const file = join(dir, 'vars.yml')
  chmodSync(file, 0o640)
  assert.equal(await vaultCommand('encrypt', file, {}, io()), 0)
  const sealed = readFileSync(file, 'utf8')
  assert.ok(sealed.startsWith(`${VAULT_HEADER}\n`))
  assert.ok(!sealed.includes(SECRET))
  assert.equal(statSync(file).mode & 0o777, 0o640)
  assert.equal(await vaultCommand('decrypt', file, {}, io()), 0)
  assert.equal(readFileSync(file, 'utf8'), PLAIN)
  assert.equal(statSync(file).mode & 0o777, 0o640)
  assert.deepEqual(readdirSync(dir), ['vars.yml'], 'no temp file is left beside it')
})

test('encrypt refuses a file that is already encrypted', async () => {
  const file = join(writeTree({ 'vars.yml': PLAIN }), 'vars.yml')
  await vaultCommand('encrypt', file, {}, io())
  const before = readFileSync(file, 'utf8')
  await assert.rejects(vaultCommand('encrypt', file, {}, io()), (e: unknown) => isTsplayError(e) && /already encrypted/.test(e.message))
  assert.equal(readFileSync(file, 'utf8'), before)
})

test('view prints the plaintext and leaves the file encrypted', async () => {
  const file = join(writeTree({ 'vars.yml': PLAIN }), 'vars.yml')
  await vaultCommand('encrypt', file, {}, io())
  const o = io()
  assert.equal(await vaultCommand('view', file, {}, o), 0)
  assert.equal(o.text(), PLAIN)
  assert.ok(readFileSync(file, 'utf8').startsWith(VAULT_HEADER))
})

test('decrypt with the wrong password says so, names the file and changes nothing', async () => {
  const file = join(writeTree({ 'vars.yml': PLAIN }), 'vars.yml')
  await vaultCommand('encrypt', file, {}, io())
  const before = readFileSync(file, 'utf8')
  await assert.rejects(vaultCommand('decrypt', file, {}, io({ TSPLAY_VAULT_PASSWORD: 'nope' })), (e: unknown) => isTsplayError(e) && e.exitCode === 1 && e.message === `${file}: wrong vault password (it came from TSPLAY_VAULT_PASSWORD)`)
  assert.equal(readFileSync(file, 'utf8'), before)
})

test('--vault-password-file may be an executable that prints the password', async () => {
  const dir = writeTree({ 'vars.yml': PLAIN, 'pw.sh': `#!/bin/sh\necho '${PASSWORD}'\n` })
  chmodSync(join(dir, 'pw.sh'), 0o755)
  await vaultCommand('encrypt', join(dir, 'vars.yml'), { vaultPasswordFile: join(dir, 'pw.sh') }, io({}))
  const o = io()
  await vaultCommand('view', join(dir, 'vars.yml'), {}, o)
  assert.equal(o.text(), PLAIN)
})

test('edit opens the plaintext in $EDITOR in a private temp folder and encrypts the result', async () => {
  const dir = writeTree({ 'vars.yml': PLAIN })
  const file = join(dir, 'vars.yml')
  await vaultCommand('encrypt', file, {}, io())
  // The "editor" records where it was given the file and how private that was, then edits it.
  const log = join(dir, 'editor.log')
  writeFileSync(join(dir, 'ed.sh'), `#!/bin/sh\nf="$1"\necho "$f $(stat -c %a "$(dirname "$f")") $(stat -c %a "$f")" > ${log}\necho 'smtp_password: n3w-smtp-pass' >> "$f"\n`)
  chmodSync(join(dir, 'ed.sh'), 0o755)
  assert.equal(await vaultCommand('edit', file, {}, io({ TSPLAY_VAULT_PASSWORD: PASSWORD, EDITOR: join(dir, 'ed.sh') })), 0)
  const [tempFile, dirMode, fileMode] = readFileSync(log, 'utf8').trim().split(' ')
  assert.equal(dirMode, '700')
  assert.equal(fileMode, '600')
  assert.ok(tempFile!.startsWith(tmpdir()))
  assert.equal(existsSync(tempFile!), false, 'the plaintext copy is removed')
  const sealed = readFileSync(file, 'utf8')
  assert.ok(sealed.startsWith(VAULT_HEADER) && !sealed.includes('n3w-smtp-pass'))
  const vars = withVault(session(), () => loadVarsFile(file))
  assert.deepEqual(vars, { db_password: SECRET, smtp_password: 'n3w-smtp-pass' })
})

test('edit keeps the file byte for byte when the editor changes nothing, and on editor failure', async () => {
  const dir = writeTree({ 'vars.yml': PLAIN, 'noop.sh': '#!/bin/sh\nexit 0\n', 'fail.sh': '#!/bin/sh\necho junk >> "$1"\nexit 1\n' })
  chmodSync(join(dir, 'noop.sh'), 0o755)
  chmodSync(join(dir, 'fail.sh'), 0o755)
  const file = join(dir, 'vars.yml')
  await vaultCommand('encrypt', file, {}, io())
  const before = readFileSync(file, 'utf8')
  await vaultCommand('edit', file, {}, io({ TSPLAY_VAULT_PASSWORD: PASSWORD, EDITOR: join(dir, 'noop.sh') }))
  assert.equal(readFileSync(file, 'utf8'), before)
  await assert.rejects(vaultCommand('edit', file, {}, io({ TSPLAY_VAULT_PASSWORD: PASSWORD, EDITOR: join(dir, 'fail.sh') })), /exited with code 1; .* was left as it was/)
  assert.equal(readFileSync(file, 'utf8'), before)
})

test('encrypt_string prints a `KEY: !vault |` snippet that loads back to the value', async () => {
  const o = io()
  assert.equal(await vaultCommand('encrypt_string', SECRET, { name: 'db_password' }, o), 0)
  assert.match(o.text(), /^db_password: !vault \|\n  \$TSPLAY_VAULT;1\.0;AES256-GCM\n(  [A-Za-z0-9+/=]{1,80}\n)+$/)
  assert.ok(!o.text().includes(SECRET))
  const dir = writeTree({ 'vars.yml': `user: vmail\n${o.text()}` })
  assert.deepEqual(withVault(session(), () => loadVarsFile(join(dir, 'vars.yml'))), { user: 'vmail', db_password: SECRET })
})

test('encrypt_string without a VALUE reads it from stdin', async () => {
  const o = io({ TSPLAY_VAULT_PASSWORD: PASSWORD }, `${SECRET}\n`)
  await vaultCommand('encrypt_string', undefined, { name: 'k' }, o)
  const dir = writeTree({ 'v.yml': o.text() })
  assert.deepEqual(withVault(session(), () => loadVarsFile(join(dir, 'v.yml'))), { k: SECRET })
})

test('without any password, encrypt says how to give one', async () => {
  const file = join(writeTree({ 'vars.yml': PLAIN }), 'vars.yml')
  await assert.rejects(vaultCommand('encrypt', file, {}, io({})), (e: unknown) => isTsplayError(e) && e.exitCode === 5 && /--vault-password-file/.test(e.hint ?? ''))
  assert.equal(readFileSync(file, 'utf8'), PLAIN)
})

test('an unknown action suggests the right one; a missing file is named', async () => {
  await assert.rejects(vaultCommand('encrpyt', 'x', {}, io()), /unknown vault action 'encrpyt'. Did you mean 'encrypt'\?/)
  await assert.rejects(vaultCommand('view', '/nonexistent/vars.yml', {}, io()), /\/nonexistent\/vars\.yml does not exist/)
  await assert.rejects(vaultCommand('view', join(writeTree({ 'p.yml': 'a: 1\n' }), 'p.yml'), {}, io()), /is not encrypted with tsplay vault/)
})
