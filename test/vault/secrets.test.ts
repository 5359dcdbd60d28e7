// The secret registry: what counts as a secret and how it is hidden in text and in data.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MASK, SecretRegistry } from '../../src/vault/secrets.js'

test('every occurrence of a secret is replaced by ********', () => {
  const s = new SecretRegistry()
  s.add('hunter22')
  assert.equal(s.mask('pw=hunter22 again hunter22.'), `pw=${MASK} again ${MASK}.`)
})

test('values shorter than 4 characters are not masked (they would hide ordinary words)', () => {
  const s = new SecretRegistry()
  s.add('abc')
  s.add('')
  assert.equal(s.size, 0)
  assert.equal(s.mask('abc'), 'abc')
})

test('the longer of two overlapping secrets is hidden whole', () => {
  const s = new SecretRegistry()
  s.add('pass')
  s.add('password123')
  assert.equal(s.mask('x password123 y'), `x ${MASK} y`)
})

test('regex characters in a secret are matched literally', () => {
  const s = new SecretRegistry()
  s.add('a.b*c(d)$')
  assert.equal(s.mask('axbbc a.b*c(d)$'), `axbbc ${MASK}`)
})

test('each line of a multi-line secret, and its JSON-escaped form, is hidden too', () => {
  const s = new SecretRegistry()
  s.add('-----BEGIN KEY-----\nMIIEpAIBAAKCAQEA\n-----END KEY-----\n')
  assert.equal(s.mask('  stdout: |\n    MIIEpAIBAAKCAQEA\n'), `  stdout: |\n    ${MASK}\n`)
  s.add('say "hi"\\now')
  assert.equal(s.mask(JSON.stringify({ v: 'say "hi"\\now' })), `{"v":"${MASK}"}`)
})

test('numbers are secrets as their text', () => {
  const s = new SecretRegistry()
  s.add(48151623)
  assert.equal(s.mask('pin 48151623'), `pin ${MASK}`)
})

test('addAll remembers every string and number in nested data', () => {
  const s = new SecretRegistry()
  s.addAll({ a: 'alpha-secret', b: [{ c: 'gamma-secret' }, 12345], d: true })
  assert.equal(s.mask('alpha-secret gamma-secret 12345 true'), `${MASK} ${MASK} ${MASK} true`)
})

test('maskDeep masks strings and keys in a copy and leaves the original alone', () => {
  const s = new SecretRegistry()
  s.add('topsecret')
  const data = { msg: 'is topsecret', list: ['topsecret', 1], topsecret: { n: null } }
  assert.deepEqual(s.maskDeep(data), { msg: `is ${MASK}`, list: [MASK, 1], [MASK]: { n: null } })
  assert.equal(data.msg, 'is topsecret')
})
