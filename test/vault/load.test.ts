// Vault data in the files tsplay reads: whole encrypted vars files and `!vault` values.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { isTsplayError, ParseError } from '../../src/errors.js'
import { loadInventory } from '../../src/inventory/load.js'
import { loadVarsFile } from '../../src/playbook/vars-file.js'
import { encrypt } from '../../src/vault/cipher.js'
import { withVault } from '../../src/vault/session.js'
import { writeTree } from '../helpers/run-playbook.js'
import { PASSWORD, SECRET, session, vaultValue } from './helpers.js'

test('a !vault value decrypts to a string and the other keys stay as written', () => {
  const dir = writeTree({ 'vars.yml': `user: mail\n${vaultValue('db_password', SECRET)}port: 5432\n` })
  const s = session()
  const vars = withVault(s, () => loadVarsFile(join(dir, 'vars.yml')))
  assert.deepEqual(vars, { user: 'mail', db_password: SECRET, port: 5432 })
  assert.equal(s.secrets.mask(`x ${SECRET} mail`), 'x ******** mail')
})

test('a wholly encrypted vars file decrypts transparently and all its values become secrets', () => {
  const dir = writeTree({ 'vars.yml': encrypt(`db_password: ${SECRET}\ndb_host: db.internal\n`, PASSWORD) })
  const s = session()
  assert.deepEqual(withVault(s, () => loadVarsFile(join(dir, 'vars.yml'))), { db_password: SECRET, db_host: 'db.internal' })
  assert.equal(s.secrets.mask(`${SECRET} db.internal`), '******** ********')
})

test('a !vault value in group_vars reaches the host vars', () => {
  const dir = writeTree({
    'hosts.yml': 'all:\n  hosts:\n    mx1: { tsplay_connection: local }\n',
    'group_vars/all.yml': vaultValue('tsplay_become_password', SECRET),
  })
  const inv = withVault(session(), () => loadInventory(dir))
  assert.equal(inv.hosts.get('mx1')!.vars.tsplay_become_password, SECRET)
})

test('an encrypted inventory file is read like a plain one', () => {
  const dir = writeTree({ 'hosts.yml': encrypt('all:\n  hosts:\n    mx1: { tsplay_connection: local, site: secret-site }\n', PASSWORD) })
  const inv = withVault(session(), () => loadInventory(dir))
  assert.equal(inv.hosts.get('mx1')!.vars.site, 'secret-site')
})

test('without a password, the error names the file:line of the !vault value', () => {
  const dir = writeTree({ 'vars.yml': `a: 1\nb: 2\n${vaultValue('db_password', SECRET)}` })
  assert.throws(
    () => withVault(session(null), () => loadVarsFile(join(dir, 'vars.yml'))),
    (e: unknown) => isTsplayError(e) && e.message.startsWith(`${join(dir, 'vars.yml')}:3: a vault-encrypted value needs a password`) && e.pos?.line === 3,
  )
})

test('a wrong password names the file of a wholly encrypted file', () => {
  const dir = writeTree({ 'vars.yml': encrypt('a: 1\n', PASSWORD) })
  assert.throws(() => withVault(session('not-it'), () => loadVarsFile(join(dir, 'vars.yml'))), (e: unknown) => isTsplayError(e) && e.message === `${join(dir, 'vars.yml')}: wrong vault password (it came from TSPLAY_VAULT_PASSWORD)`)
})

test('!vault on a mapping, or on text that is not a vault, is a parse error at that line', () => {
  const dir = writeTree({ 'map.yml': 'a: 1\nb: !vault { x: 1 }\n', 'text.yml': 'a: !vault not-a-vault\n' })
  assert.throws(() => withVault(session(), () => loadVarsFile(join(dir, 'map.yml'))), (e: unknown) => e instanceof ParseError && e.pos?.line === 2 && /text block, not a mapping/.test(e.message))
  assert.throws(() => withVault(session(), () => loadVarsFile(join(dir, 'text.yml'))), (e: unknown) => e instanceof ParseError && e.pos?.line === 1 && /is not a vault \(tsplay's or Ansible's\)/.test(e.message))
})

test('files without vault data need no password', () => {
  const dir = writeTree({ 'vars.yml': 'a: 1\n' })
  assert.deepEqual(withVault(session(null), () => loadVarsFile(join(dir, 'vars.yml'))), { a: 1 })
})
