// Progress: counts become events with rate and ETA at a readable pace, from modules, tar and
// rsync's progress2 lines; plain output prints a line only every few seconds.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { EventOf, RunEvent } from '../../src/events.js'
import { createReporter } from '../../src/reporter/index.js'
import { pos, result, sink } from './fixtures.js'
import { parseProgressLine, progressLines, progressMeter, withoutProgressLines, type Progress } from '../../src/executor/progress.js'
import { parseProgress2, parseRsync } from '../../src/modules/net/rsync-output.js'
import { formatProgress, ProgressPacer } from '../../src/reporter/progress.js'

test('the meter sends the first count at once, then at most one a second, and the held-back last one at the end', () => {
  let now = 0
  const sent: Progress[] = []
  const m = progressMeter((p) => sent.push(p), () => now)
  for (let i = 1; i <= 10; i++) {
    now = i * 300
    m.update({ files: i, totalFiles: 20 })
  }
  m.end()
  assert.deepEqual(sent.map((p) => p.files), [1, 5, 9, 10])
  const last = sent.at(-1)!
  assert.equal(last.elapsedMs, 3000)
  assert.equal(last.filesPerSecond, 3.3)
  assert.equal(last.etaSeconds, 3)
})

test('bytes with a known total give the ETA; a new label restarts the rate', () => {
  let now = 0
  const sent: Progress[] = []
  const m = progressMeter((p) => sent.push(p), () => now)
  m.update({ label: 'alice', bytes: 0, totalBytes: 1000 })
  now = 2000
  m.update({ label: 'alice', bytes: 500, totalBytes: 1000 })
  assert.deepEqual(sent.at(-1), { label: 'alice', bytes: 500, totalBytes: 1000, elapsedMs: 2000, bytesPerSecond: 250, etaSeconds: 2 })
  now = 2100
  m.update({ label: 'bob', files: 1 })
  m.end()
  assert.deepEqual(sent.at(-1), { label: 'bob', files: 1, elapsedMs: 0 })
})

test('tsplay-progress lines are read from stderr cut anywhere and taken out of it', () => {
  assert.deepEqual(parseProgressLine('tar: tsplay-progress bytes=5109760 (4.9MiB, 11GiB/s)'), { bytes: 5109760 })
  assert.deepEqual(parseProgressLine('tsplay-progress label=/:pass1 bytes=10 total_bytes=20 odd=x files=abc'), { label: '/:pass1', bytes: 10, totalBytes: 20 })
  assert.equal(parseProgressLine('an ordinary error'), undefined)
  const got: unknown[] = []
  const feed = progressLines((u) => got.push(u))
  feed('oops\ntsplay-progr')
  feed('ess files=3\ntsplay-progress files=4')
  assert.deepEqual(got, [{ files: 3 }])
  feed('\n')
  assert.deepEqual(got, [{ files: 3 }, { files: 4 }])
  assert.equal(withoutProgressLines('a\ntar: tsplay-progress bytes=1\nb\n'), 'a\nb\n')
})

test("rsync's progress2 lines give bytes and files checked; the total only once the file list is complete", () => {
  assert.deepEqual(parseProgress2('      1,200,000   2%   44.53MB/s    0:00:00 (xfr#6, to-chk=294/301)'), { bytes: 1200000, files: 7, totalFiles: 301 })
  assert.deepEqual(parseProgress2('     32,768   0%    0.00kB/s    0:00:00  '), { bytes: 32768 })
  assert.deepEqual(parseProgress2('  9,000  10%  1.00MB/s  0:00:09 (xfr#2, ir-chk=1000/1020)'), { bytes: 9000, files: 20 })
  assert.equal(parseProgress2('tsplay-item >f+++++++++ a'), undefined)
  // Items still parse when progress redraws share their lines.
  const out = parseRsync('      0   0%  0.00kB/s  0:00:00\rtsplay-item >f+++++++++ a\n  200 100%  1MB/s  0:00:00 (xfr#1, to-chk=0/2)\n')
  assert.deepEqual(out.changed, ['>f+++++++++ a'])
})

test("a receiver's *deleting item right after an unended progress line still counts as deleted", () => {
  // What a pull with --delete-after prints: the last progress redraw, then the deletion, one line.
  const out = parseRsync('\r      0 100%    0.00kB/s    0:00:00 (xfr#0, to-chk=0/12)tsplay-item *deleting   cur/1700.M1.old,S=5:2,S\n')
  assert.deepEqual(out.deleted, ['cur/1700.M1.old,S=5:2,S'])
  // A file name that merely contains the prefix is not an item.
  assert.deepEqual(parseRsync('tsplay-item >f+++++++++ a tsplay-item b\n').changed, ['>f+++++++++ a tsplay-item b'])
})

type ProgressEvent = EventOf<'progress'>
const ev = (elapsedMs: number, extra: Partial<ProgressEvent> = {}): ProgressEvent => ({ kind: 'progress', host: 'new', task: 'sync', elapsedMs, ...extra })

test('plain output prints a step that runs long every five seconds, and nothing for a short one', () => {
  const pacer = new ProgressPacer()
  assert.equal(pacer.shouldPrint(ev(1000)), false)
  assert.equal(pacer.shouldPrint(ev(5200)), true)
  assert.equal(pacer.shouldPrint(ev(6300)), false)
  assert.equal(pacer.shouldPrint(ev(10300)), true)
  pacer.forget('new', 'sync')
  assert.equal(pacer.shouldPrint(ev(5000)), true)
})

test('a progress line says counts, totals, rate and time left', () => {
  assert.equal(formatProgress(ev(31000, { label: 'alice', files: 48210, totalFiles: 120000, bytes: 1288490188, bytesPerSecond: 41564199, etaSeconds: 130 })), 'alice: 48,210/120,000 files, 1.2 GiB, 40 MiB/s, about 2m10s left')
  assert.equal(formatProgress(ev(7000, { files: 12, filesPerSecond: 1.7 })), '12 files, 2 files/s, 7s so far')
})

const start = (name: string): RunEvent => ({ kind: 'task-start', name, pos: pos(3), hosts: ['new'], handler: false })

test('the plain reporter prints a long step as a progress line between its banner and its result', async () => {
  const s = sink()
  const r = createReporter({ mode: 'plain', verbose: 0, diff: false, color: false, out: s.out })
  for (const e of [start('sync'), ev(1000, { files: 10 }), ev(5500, { files: 90, totalFiles: 100, filesPerSecond: 16.4, etaSeconds: 1 }), ev(6000, { files: 100 })]) r.on(e)
  r.on({ kind: 'task-result', host: 'new', task: 'sync', pos: pos(3), result: result('changed') })
  await r.close()
  assert.match(s.text(), /TASK \[sync\] \*+\nprogress: \[new\] 90\/100 files, 16 files\/s, about 1s left\nchanged: \[new\]\n/)
})

test('the terminal reporter shows the latest progress under the running task', async () => {
  const s = sink()
  const r = createReporter({ mode: 'tty', verbose: 0, diff: false, color: false, out: s.out })
  r.on(start('sync'))
  await new Promise((done) => setTimeout(done, 50))
  r.on(ev(2000, { label: 'alice', files: 40, totalFiles: 100, filesPerSecond: 20, etaSeconds: 3 }))
  await new Promise((done) => setTimeout(done, 150))
  r.on({ kind: 'task-result', host: 'new', task: 'sync', pos: pos(3), result: result('ok') })
  await r.close()
  assert.match(s.text(), /new: alice: 40\/100 files, 20 files\/s, about 3s left/)
})
