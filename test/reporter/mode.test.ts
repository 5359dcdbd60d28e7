// Which reporter runs and whether it colors, from flags, terminal and environment.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chooseMode, useColor } from '../../src/reporter/index.js'

test('--json always gives json, even on a terminal', () => {
  assert.equal(chooseMode({ json: true, isTTY: true, env: {} }), 'json')
})

test('a terminal gets the live display', () => {
  assert.equal(chooseMode({ json: false, isTTY: true, env: {} }), 'tty')
})

test('a pipe, a file, CI or a dumb terminal gets plain lines', () => {
  assert.equal(chooseMode({ json: false, isTTY: false, env: {} }), 'plain')
  assert.equal(chooseMode({ json: false, isTTY: true, env: { CI: 'true' } }), 'plain')
  assert.equal(chooseMode({ json: false, isTTY: true, env: { CI: '1' } }), 'plain')
  assert.equal(chooseMode({ json: false, isTTY: true, env: { TERM: 'dumb' } }), 'plain')
})

test('CI=false or an empty CI does not count as CI', () => {
  assert.equal(chooseMode({ json: false, isTTY: true, env: { CI: 'false' } }), 'tty')
  assert.equal(chooseMode({ json: false, isTTY: true, env: { CI: '' } }), 'tty')
})

test('color is on for a terminal and off for a pipe', () => {
  assert.equal(useColor(true, {}), true)
  assert.equal(useColor(false, {}), false)
})

test('NO_COLOR turns color off unless it is empty', () => {
  assert.equal(useColor(true, { NO_COLOR: '1' }), false)
  assert.equal(useColor(true, { NO_COLOR: '' }), true)
})

test('FORCE_COLOR turns color on in a pipe and wins over NO_COLOR; FORCE_COLOR=0 turns it off', () => {
  assert.equal(useColor(false, { FORCE_COLOR: '1' }), true)
  assert.equal(useColor(false, { FORCE_COLOR: '' }), true)
  assert.equal(useColor(true, { FORCE_COLOR: '1', NO_COLOR: '1' }), true)
  assert.equal(useColor(true, { FORCE_COLOR: '0' }), false)
})
