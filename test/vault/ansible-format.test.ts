// Ansible Vault files and `!vault` values made by the real ansible-vault (1.1, and 1.2 with a
// vault id) decrypt with the same password file or script, and stay masked like tsplay's own.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { isTsplayError } from '../../src/errors.js'
import { loadVarsFile } from '../../src/playbook/vars-file.js'
import { withVault } from '../../src/vault/session.js'
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
