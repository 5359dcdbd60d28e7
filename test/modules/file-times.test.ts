// file's time arguments read as Ansible's strptime formats, and the lsattr/chattr planning: pure.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { planTimes, strptime, timeWish } from '../../src/modules/files/file-times.js'
import { parseLsattr, planChattr } from '../../src/modules/files/chattr.js'

test('strptime reads the default format and common others into a local wall-clock time', () => {
  assert.equal(strptime('202202081414.00', '%Y%m%d%H%M.%S'), '2022-02-08 14:14:00')
  assert.equal(strptime('08/02/22 02:14 PM', '%d/%m/%y %I:%M %p'), '2022-02-08 14:14:00')
  assert.equal(strptime('Feb 8 2022', '%b %d %Y'), '2022-02-08 00:00:00')
  assert.equal(strptime('February 08 2022', '%B %d %Y'), '2022-02-08 00:00:00')
  assert.equal(strptime('2022-13-01', '%Y-%m-%d'), undefined, 'month 13')
  assert.equal(strptime('2022-02-08x', '%Y-%m-%d'), undefined, 'text left over')
})

test("a time not in its format is refused with Ansible's message; left out means now for touch, preserve otherwise", () => {
  assert.throws(() => timeWish('yesterday', '%Y', 'file', 'modification_time'), /Error while obtaining timestamp for time yesterday using format %Y/)
  assert.deepEqual([timeWish(null, '%Y', 'touch', 'x'), timeWish(null, '%Y', 'file', 'x')], [{ kind: 'now' }, { kind: 'preserve' }])
})

test('planTimes: a fixed time the path has is no change; now always is; preserve keeps the other time', () => {
  const st = { mtime: 100, atime: 200, now: 300, at: { '2022-02-08 14:14:00': 100 } }
  const at = { kind: 'at' as const, local: '2022-02-08 14:14:00' }
  assert.deepEqual(planTimes(at, { kind: 'preserve' }, st), { before: {}, after: {} })
  assert.deepEqual(planTimes({ kind: 'now' }, { kind: 'now' }, st).touch, [['touch']])
  const p = planTimes({ kind: 'preserve' }, { kind: 'at', local: '2022-02-08 14:14:00' }, st)
  assert.deepEqual([p.touch, p.before, p.after], [[['touch', '-a', '-d', '@100']], { atime: 200 }, { atime: 100 }])
})

test('planChattr compares flag sets: + and - are idempotent, = ignores flags chattr cannot change', () => {
  const cur = parseLsattr('A 1 -------A------e------- /x')
  assert.deepEqual(cur, { flags: 'Ae', version: '1' })
  assert.deepEqual(planChattr('+A', cur, '/x'), {})
  assert.deepEqual(planChattr('A', cur, '/x'), {})
  assert.equal(planChattr('-A', cur, '/x').change?.kind, 'exec')
  assert.deepEqual([planChattr('=i', cur, '/x').before, planChattr('=i', cur, '/x').after], ['Ae', '=i'])
  const unreadable = parseLsattr('E lsattr: Operation not supported While reading flags on /x')
  assert.ok('error' in unreadable)
  assert.deepEqual(planChattr('', unreadable, '/x'), {}, 'no flags asked, none readable: nothing to do')
  assert.ok(planChattr('+i', unreadable, '/x').change, 'a flag asked where none can be read runs chattr, which says why')
})
