// The one Python-regex reader, used by lineinfile/blockinfile and by the template filters and
// tests: the same pattern means the same thing in both places.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pyRegex as argRegex } from '../../src/modules/files/pyregex.js'
import { pyRegExp as templateRegex } from '../../src/template/pyregex.js'
import { isPyRegexFailure, pyExpand, pyRegex } from '../../src/util/pyregex.js'
import { ArgError } from '../../src/errors.js'
import { TemplateFault } from '../../src/template/failures.js'

const re = (p: string, o = {}): RegExp => {
  const r = pyRegex(p, o)
  assert.ok(!isPyRegexFailure(r), `'${p}' compiles`)
  return r
}

test('\\A and \\Z match only the very start and end of the text, even with (?m)', () => {
  assert.ok(re('(?m)\\Aa').test('a\nb'))
  assert.ok(!re('(?m)\\Ab').test('a\nb'))
  assert.ok(re('(?m)b\\Z').test('a\nb'))
  assert.ok(!re('(?m)a\\Z').test('a\nb'))
})

test('an escaped backslash before A is a literal backslash and A', () => {
  assert.ok(re('x\\\\A').test('x\\A'))
})

test('named groups and backreferences in the Python spelling', () => {
  const m = re('(?P<user>\\w+)@(?P=user)').exec('bob@bob')
  assert.equal(m?.groups?.user, 'bob')
})

test('leading inline flags: i, s, and x (verbose: spaces and comments ignored)', () => {
  assert.ok(re('(?i)HELLO').test('hello'))
  assert.ok(re('(?s)a.b').test('a\nb'))
  assert.ok(re('(?x) a \\  b  # a, a space, b').test('a b'))
  assert.ok(re('(?x)[ ]x').test(' x'), 'a space inside a class stays')
})

test('anchored matching is Python re.match and keeps the pattern\'s own flags', () => {
  assert.ok(re('(?i)AB', { anchored: true }).test('abc'))
  assert.ok(!re('b', { anchored: true }).test('abc'))
})

test('a bad pattern or group reference is a returned failure, shaped by each caller', () => {
  assert.ok(isPyRegexFailure(pyRegex('(')))
  assert.ok(isPyRegexFailure(pyExpand('\\2', /(a)/.exec('a')!)))
  assert.equal(pyExpand('<\\1>', /(a)/.exec('a')!), '<a>')
  assert.throws(() => argRegex('(', 'regexp'), (e) => e instanceof ArgError && e.arg === 'regexp' && /regexp is not a valid regular expression/.test(e.message))
  assert.throws(() => templateRegex('('), (e) => e instanceof TemplateFault && /invalid regular expression '\('/.test(e.message))
})
