// --diff output: unified diffs with Ansible's before/after headers.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatDiff } from '../../src/reporter/diff.js'
import { palette } from '../../src/reporter/paint.js'

const conf = (n: number) => Array.from({ length: 10 }, (_, i) => `line${i + 1}${i === 4 ? ` = ${n}` : ''}`).join('\n') + '\n'

test('a changed line shows with three lines of context under before/after headers', () => {
  assert.equal(
    formatDiff({ path: '/etc/dovecot/dovecot.conf', before: conf(1), after: conf(2) }, palette(false)),
    '--- before: /etc/dovecot/dovecot.conf\n+++ after: /etc/dovecot/dovecot.conf\n' +
      '@@ -2,7 +2,7 @@\n line2\n line3\n line4\n-line5 = 1\n+line5 = 2\n line6\n line7\n line8\n',
  )
})

test('a path with spaces is not quoted in the headers', () => {
  const text = formatDiff({ path: 'user alice', before: 'shell=/bin/sh\n', after: 'shell=/bin/bash\n' }, palette(false))
  assert.match(text, /^--- before: user alice\n\+\+\+ after: user alice\n/)
})

test('a new file diffs against nothing and a missing final newline is marked', () => {
  const text = formatDiff({ path: '/etc/motd', before: '', after: 'hello' }, palette(false))
  assert.match(text, /@@ -0,0 \+1,1 @@\n\+hello\n\\ No newline at end of file\n/)
})

test('identical before and after print nothing', () => {
  assert.equal(formatDiff({ path: '/x', before: 'a\n', after: 'a\n' }, palette(false)), '')
})

test('with color, additions are green, removals red and hunk headers cyan', () => {
  const text = formatDiff({ path: '/x', before: 'a\n', after: 'b\n' }, palette(true))
  assert.match(text, /\x1b\[31m-a\x1b\[0m\n\x1b\[32m\+b\x1b\[0m/)
  assert.match(text, /\x1b\[36m@@ -1,1 \+1,1 @@\x1b\[0m/)
})
