// PLAY RECAP columns line up the way Ansible's do.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { emptyStats } from '../../src/executor/result.js'
import { palette } from '../../src/reporter/paint.js'
import { formatRecap } from '../../src/reporter/recap.js'
import { strip } from './fixtures.js'

test('hosts are sorted and padded to 26 columns, counts to 4', () => {
  const text = formatRecap({ web2: { ...emptyStats(), ok: 12 }, db1: { ...emptyStats(), failed: 1, ok: 2 } }, palette(false))
  assert.equal(
    text.split('\n').slice(1).join('\n'),
    'db1                        : ok=2    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0\n' +
      'web2                       : ok=12   changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0\n',
  )
})

test('a host name longer than 26 widens the column for every host', () => {
  const long = 'mailbox-archive-01.example.org'
  const lines = formatRecap({ [long]: emptyStats(), mx1: emptyStats() }, palette(false)).split('\n')
  assert.equal(lines[1]!.indexOf(':'), lines[2]!.indexOf(':'))
  assert.equal(lines[1]!.indexOf(':'), long.length + 1)
})

test('only non-zero counts are colored, and the host takes its worst color', () => {
  const text = formatRecap({ mx1: { ...emptyStats(), ok: 1, changed: 2 } }, palette(true))
  assert.match(text, /^\x1b\[33mmx1\x1b\[0m {24}: \x1b\[32mok=1\x1b\[0m {4}\x1b\[33mchanged=2\x1b\[0m {4}unreachable=0 /m)
  assert.equal(strip(text), formatRecap({ mx1: { ...emptyStats(), ok: 1, changed: 2 } }, palette(false)))
})
