// Ansible Vault files and `!vault` values made by the real ansible-vault (1.1, and 1.2 with a
// vault id) decrypt with the same password file or script, and stay masked like tsplay's own.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { vaultCommand, type VaultIO } from '../../src/cli/vault-command.js'
import { isTsplayError } from '../../src/errors.js'
import { loadVarsFile } from '../../src/playbook/vars-file.js'
import { vaultSession, withVault } from '../../src/vault/session.js'
import { sink } from '../reporter/fixtures.js'
import { runIn, writeTree } from '../helpers/run-playbook.js'
import { session } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'tsplay-ansible-vault-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const PASSWORD = 'ansible pw with spaces'
const SECRET = 'Ansible-Vaulted-Secret-42'
const passFile = join(dir, 'pass.txt')
writeFileSync(passFile, `${PASSWORD}\n`)
const script = join(dir, 'pass.sh')
writeFileSync(script, `#!/bin/sh\necho '${PASSWORD}'\n`)
chmodSync(script, 0o755)

/** Run the real ansible-vault (installed by scripts/install-deps.sh); its home stays in dir. */
function ansibleVault(args: string[]): string {
  return execFileSync('ansible-vault', args, { encoding: 'utf8', env: { ...process.env, ANSIBLE_HOME: join(dir, 'ah'), ANSIBLE_LOCAL_TEMP: join(dir, 'at') } })
}

test('a vars file encrypted by ansible-vault (1.1) decrypts with the same password file', () => {
  const file = join(dir, 'vars11.yml')
  writeFileSync(file, `db_password: ${SECRET}\ndb_host: db.internal\n`)
  ansibleVault(['encrypt', '--vault-password-file', passFile, file])
  assert.match(readFileSync(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.1;AES256\n/)
  const s = session(null, passFile)
  assert.deepEqual(withVault(s, () => loadVarsFile(file)), { db_password: SECRET, db_host: 'db.internal' })
  assert.equal(s.secrets.mask(`pw=${SECRET}`), 'pw=********')
})

test('a !vault value from ansible-vault encrypt_string with a vault id (1.2) decrypts with the password script', () => {
  const value = ansibleVault(['encrypt_string', '--vault-id', `prod@${passFile}`, SECRET, '--name', 'smtp_password'])
  assert.match(value, /\$ANSIBLE_VAULT;1\.2;AES256;prod/)
  const file = join(dir, 'vars12.yml')
  writeFileSync(file, `user: relay\n${value}`)
  const s = session(null, script)
  assert.deepEqual(withVault(s, () => loadVarsFile(file)), { user: 'relay', smtp_password: SECRET })
  assert.equal(s.secrets.mask(`x ${SECRET} y`), 'x ******** y')
})

test('a wrong password for an Ansible vault fails naming the file and the vault id', () => {
  const value = ansibleVault(['encrypt_string', '--vault-id', `prod@${passFile}`, SECRET, '--name', 'k'])
  const file = join(dir, 'wrong.yml')
  writeFileSync(file, value)
  assert.throws(
    () => withVault(session('not the password'), () => loadVarsFile(file)),
    (e: unknown) => isTsplayError(e) && /wrong.yml:1: wrong vault password for this Ansible vault \(vault id 'prod'\)/.test(e.message),
  )
})

function cliIO(): VaultIO & { text: () => string } {
  const s = sink()
  return { out: s.out, env: {}, prompt: false, readStdin: () => '', text: s.text }
}

test('tsplay vault view and decrypt read a file ansible-vault encrypted', async () => {
  const file = join(dir, 'view.yml')
  writeFileSync(file, `db_password: ${SECRET}\n`)
  ansibleVault(['encrypt', '--vault-password-file', passFile, file])
  const o = cliIO()
  assert.equal(await vaultCommand('view', file, { vaultPasswordFile: passFile }, o), 0)
  assert.equal(o.text(), `db_password: ${SECRET}\n`)
  assert.equal(await vaultCommand('decrypt', file, { vaultId: [`dev@${script}`] }, cliIO()), 0)
  assert.equal(readFileSync(file, 'utf8'), `db_password: ${SECRET}\n`)
})

test('with several --vault-id the one whose label the 1.2 header names opens it; edit keeps the vault id for ansible-vault', async () => {
  const other = join(dir, 'other.txt')
  writeFileSync(other, 'another password\n')
  const file = join(dir, 'edit.yml')
  writeFileSync(file, 'a: 1\n')
  ansibleVault(['encrypt', '--vault-id', `prod@${passFile}`, file])
  const editor = join(dir, 'editor.sh')
  writeFileSync(editor, `#!/bin/sh\necho 'b: 2' >> "$1"\n`)
  chmodSync(editor, 0o755)
  const o = { ...cliIO(), env: { EDITOR: editor } }
  assert.equal(await vaultCommand('edit', file, { vaultId: [`dev@${other}`, `prod@${passFile}`] }, o), 0)
  assert.match(readFileSync(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/)
  assert.equal(ansibleVault(['view', '--vault-id', `prod@${passFile}`, file]), 'a: 1\nb: 2\n')
})

test('tsplay vault encrypt and encrypt_string --format ansible write what ansible-vault decrypts', async () => {
  const o = cliIO()
  assert.equal(await vaultCommand('encrypt_string', SECRET, { vaultId: [`prod@${passFile}`], format: 'ansible', name: 'k' }, o), 0)
  assert.match(o.text(), /^k: !vault \|\n {2}\$ANSIBLE_VAULT;1\.2;AES256;prod\n/)
  const value = join(dir, 'value.vault')
  writeFileSync(value, o.text().split('\n').slice(1).map((l) => l.trim()).join('\n'))
  assert.equal(ansibleVault(['decrypt', '--output', '-', '--vault-id', `prod@${passFile}`, value]), SECRET)
  const file = join(dir, 'enc.yml')
  writeFileSync(file, 'x: 1\n')
  assert.equal(await vaultCommand('encrypt', file, { vaultPasswordFile: passFile, format: 'ansible' }, cliIO()), 0)
  assert.match(readFileSync(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.1;AES256\n/)
  assert.equal(ansibleVault(['view', '--vault-password-file', passFile, file]), 'x: 1\n')
})

test('a run with two --vault-id reads values of both vault ids, as ansible-playbook does', () => {
  const other = join(dir, 'second.txt')
  writeFileSync(other, 'second password\n')
  const a = ansibleVault(['encrypt_string', '--vault-id', `prod@${passFile}`, SECRET, '--name', 'a'])
  const b = ansibleVault(['encrypt_string', '--vault-id', `dev@${other}`, 'dev-secret', '--name', 'b'])
  const file = join(dir, 'two-ids.yml')
  writeFileSync(file, `${a.trimEnd()}\n${b}`)
  const s = vaultSession({ ids: [`dev@${other}`, `prod@${passFile}`], env: {}, prompt: false })
  assert.deepEqual(withVault(s, () => loadVarsFile(file)), { a: SECRET, b: 'dev-secret' })
})

test("lookup('unvault') and lookup('file') read an ansible-vault file decrypted, as Ansible's do", async () => {
  const files = { 'playbook.yml': `- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - assert:
        that:
          - "lookup('unvault', 'secret.vault') == 'foo: bar\\n'"
          - "lookup('file', 'secret.vault') == 'foo: bar'"
          - "lookup('unvault', 'plain.txt') == 'plain\\n'"
`, 'secret.vault': 'foo: bar\n', 'plain.txt': 'plain\n' }
  const d = writeTree(files)
  ansibleVault(['encrypt', '--vault-password-file', passFile, join(d, 'secret.vault')])
  const r = await withVault(session(null, passFile), () => runIn(d))
  rmSync(d, { recursive: true, force: true })
  assert.equal(r.code, 0, JSON.stringify(r.events.filter((e) => e.kind === 'task-result').map((e) => (e as { result: { msg?: string } }).result.msg)))
})

test('tsplay vault rekey re-encrypts an ansible-vault file under the new password, same vault id; create writes a new vault', async () => {
  const fresh = join(dir, 'new-pass.txt')
  writeFileSync(fresh, 'brand new\n')
  const file = join(dir, 'rekey.yml')
  writeFileSync(file, 'k: v\n')
  ansibleVault(['encrypt', '--vault-id', `prod@${passFile}`, file])
  assert.equal(await vaultCommand('rekey', file, { vaultPasswordFile: passFile, newVaultPasswordFile: fresh }, cliIO()), 0)
  assert.match(readFileSync(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/)
  assert.equal(ansibleVault(['decrypt', '--output', '-', '--vault-password-file', fresh, file]), 'k: v\n')
  await assert.rejects(vaultCommand('rekey', file, { vaultPasswordFile: passFile, newVaultPasswordFile: fresh }, cliIO()), (e: unknown) => isTsplayError(e) && /wrong vault password/.test(e.message))

  const created = join(dir, 'created.yml')
  const editor = join(dir, 'write.sh')
  writeFileSync(editor, `#!/bin/sh\necho 'made: here' > "$1"\n`)
  chmodSync(editor, 0o755)
  assert.equal(await vaultCommand('create', created, { vaultPasswordFile: passFile, format: 'ansible' }, { ...cliIO(), env: { EDITOR: editor } }), 0)
  assert.equal(ansibleVault(['decrypt', '--output', '-', '--vault-password-file', passFile, created]), 'made: here\n')
  await assert.rejects(vaultCommand('create', created, { vaultPasswordFile: passFile }, { ...cliIO(), env: { EDITOR: editor } }), (e: unknown) => isTsplayError(e) && /exists, please use 'edit' instead/.test(e.message))
})
