import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ParseError } from '../../src/errors.js'
import { expandHostRange } from '../../src/inventory/host-range.js'

test('a name without a range stands for itself', () => {
  assert.deepEqual(expandHostRange('mx1.example.org'), ['mx1.example.org'])
})

test('a numeric range with a step and several ranges in one name all expand in order', () => {
  assert.deepEqual(expandHostRange('n[0:4:2]'), ['n0', 'n2', 'n4'])
  assert.deepEqual(expandHostRange('r[1:2]-[a:b]'), ['r1-a', 'r1-b', 'r2-a', 'r2-b'])
})

test('a range mixing numbers and letters is refused at the given position', () => {
  const pos = { file: 'hosts.yml', line: 3, col: 5 }
  assert.throws(() => expandHostRange('n[1:c]', pos), (e) => e instanceof ParseError && e.pos === pos && /mixes a number and a letter/.test(e.message))
})
