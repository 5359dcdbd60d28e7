// The vault format: what is encrypted comes back, and a wrong password or a changed byte says so.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTsplayError, ParseError } from '../../src/errors.js'
import { decrypt, DEFAULT_COST, encrypt } from '../../src/vault/cipher.js'
import { unpack, VAULT_HEADER } from '../../src/vault/envelope.js'
import { PASSWORD } from './helpers.js'

const at = { file: 'group_vars/all.yml', line: 3, col: 8 }
const pw = { value: PASSWORD, source: 'TSPLAY_VAULT_PASSWORD' }

test('text and bytes round-trip through encrypt and decrypt', () => {
  for (const plain of ['db_password: hunter2\n', '', 'ünïcødé ✓', Buffer.from([0, 255, 1, 254, 10])]) {
    const text = encrypt(plain, PASSWORD)
    assert.deepEqual(decrypt(text, pw, at), Buffer.isBuffer(plain) ? plain : Buffer.from(plain))
  }
})

test('the vault is a header line then base64 wrapped at 80 columns', () => {
  const text = encrypt('x'.repeat(500), PASSWORD)
  const lines = text.trimEnd().split('\n')
  assert.equal(lines[0], VAULT_HEADER)
  assert.ok(lines.slice(1).every((l) => /^[A-Za-z0-9+/=]{1,80}$/.test(l)))
  assert.ok(lines.slice(1, -1).every((l) => l.length === 80))
  assert.equal(text.endsWith('\n'), true)
})

test('each encryption uses a fresh salt and IV', () => {
  assert.notEqual(encrypt('same', PASSWORD), encrypt('same', PASSWORD))
})

// How long one key takes is a benchmark matter, not a test (a loaded CI machine would fail it).
test('the scrypt cost is N=2^15, r=8, p=1 and the ciphertext records it', () => {
  assert.deepEqual(DEFAULT_COST, { logN: 15, r: 8, p: 1 })
  const text = encrypt('v', PASSWORD)
  const s = unpack(text, at)
  assert.deepEqual([s.logN, s.r, s.p], [15, 8, 1])
  assert.equal(decrypt(text, pw, at).toString(), 'v')
})

test('a wrong password is an error naming the file:line and where the password came from', () => {
  const text = encrypt('secret', PASSWORD)
  assert.throws(
    () => decrypt(text, { value: 'wrong', source: 'the file pw.txt' }, at),
    (e: unknown) => isTsplayError(e) && e.exitCode === 1 && /group_vars\/all\.yml:3: wrong vault password \(it came from the file pw\.txt\)/.test(e.message) && e.pos === at,
  )
})

test('a changed ciphertext byte is reported as tampering, not as a wrong password', () => {
  const lines = encrypt('the secret text', PASSWORD).trimEnd().split('\n')
  const bin = Buffer.from(lines.slice(1).join(''), 'base64')
  bin[bin.length - 1]! ^= 0x01 // last ciphertext byte
  const text = `${lines[0]}\n${bin.toString('base64')}\n`
  assert.throws(() => decrypt(text, pw, at), (e: unknown) => isTsplayError(e) && /was changed or damaged.*GCM/.test(e.message) && !/wrong vault password/.test(e.message))
})

test('a changed GCM tag is reported as tampering', () => {
  const lines = encrypt('the secret text', PASSWORD).trimEnd().split('\n')
  const bin = Buffer.from(lines.slice(1).join(''), 'base64')
  bin[3 + 16 + 12 + 8]! ^= 0x80 // first tag byte
  assert.throws(() => decrypt(`${lines[0]}\n${bin.toString('base64')}\n`, pw, at), /changed or damaged/)
})

test('cut or garbled vault text is a parse error (exit 4), not a crash', () => {
  const text = encrypt('x', PASSWORD)
  for (const bad of [text.slice(0, 60), `${VAULT_HEADER}\nnot base64 !!\n`, '$TSPLAY_VAULT;9.9;XYZ\nAAAA\n']) {
    assert.throws(() => decrypt(bad, pw, at), (e: unknown) => e instanceof ParseError && e.exitCode === 4 && e.message.startsWith('group_vars/all.yml:3: not a readable tsplay vault'))
  }
})

test('a hostile scrypt cost is refused before any key is derived', () => {
  const lines = encrypt('x', PASSWORD).trimEnd().split('\n')
  const bin = Buffer.from(lines.slice(1).join(''), 'base64')
  bin[0] = 40 // N = 2^40
  assert.throws(() => decrypt(`${lines[0]}\n${bin.toString('base64')}\n`, pw, at), /scrypt cost tsplay refuses/)
})
