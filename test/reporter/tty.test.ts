// The terminal reporter: a live line per task, then the same diffs and recap as plain.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RunEvent } from '../../src/events.js'
import { createReporter } from '../../src/reporter/index.js'
import { mailRun, pos, result, sink } from './fixtures.js'
import { screen } from './screen.js'

async function run(events: RunEvent[], opts: { verbose?: number; diff?: boolean; pace?: boolean } = {}) {
  const s = sink()
  const r = createReporter({ mode: 'tty', verbose: opts.verbose ?? 0, diff: opts.diff ?? true, color: false, out: s.out })
  for (const e of events) {
    r.on(e)
    // Paced runs give listr2 time to draw between events, as a real run does.
    if (opts.pace) await new Promise((done) => setTimeout(done, 5))
  }
  await r.close()
  return { raw: s.text(), lines: screen(s.text()) }
}

test('each task ends as one line with hosts done/total, its counts and its time', async () => {
  const { lines } = await run(mailRun(), { pace: true })
  assert.ok(lines.some((l) => /^✔ TASK \[postfix : postfix main\.cf\] {2}2\/2 changed=1 \(\d+\.\ds\)$/.test(l)), lines.join('\n'))
  assert.ok(lines.some((l) => /^✖ TASK \[sync mailboxes\] {2}2\/2 changed=1 failed=1 \(\d+\.\ds\) {2}fatal: mx2$/.test(l)), lines.join('\n'))
  assert.ok(lines.some((l) => /^✔ RUNNING HANDLER \[postfix : restart postfix\] {2}1\/1 changed=1/.test(l)))
})

test('failures, warnings, diffs and the recap are printed as plain prints them', async () => {
  const { lines } = await run(mailRun())
  const text = lines.join('\n')
  assert.match(text, /^PLAY \[mail servers\] \*+$/m)
  assert.match(text, /fatal: \[mx2\]: FAILED! => Command failed with exit code 23: rsync.*\n  stderr: \|\n    rsync: connection unexpectedly closed\n\[WARNING\]: mx2 is no longer/)
  assert.match(text, /TASK \[postfix : postfix main\.cf\] \*+\n--- before: \/etc\/postfix\/main\.cf\n\+\+\+ after: \/etc\/postfix\/main\.cf\n@@ -1,2 \+1,2 @@\n a = 1\n-b = 2\n\+b = 3\nchanged: \[mx1\]\n/)
  assert.match(text, /PLAY RECAP \*+\nmx1 {24}: ok=3 {4}changed=3 /)
  assert.ok(text.indexOf('before:') < text.indexOf('PLAY RECAP'))
})

test('the diffs wait until the end so the live lines stay together', async () => {
  const { lines } = await run(mailRun())
  const text = lines.join('\n')
  assert.ok(text.indexOf('RUNNING HANDLER') < text.indexOf('--- before:'))
})

test('a result for a task that never started is reported without crashing', async () => {
  const { lines } = await run([
    { kind: 'play-start', name: 'p', hosts: ['mx1'], pos: pos(1) },
    { kind: 'task-result', host: 'mx1', task: 'ghost', pos: pos(2), result: result('failed', { msg: 'boom' }) },
    { kind: 'recap', hosts: {} },
  ])
  assert.ok(lines.includes('fatal: [mx1]: FAILED! => boom'))
})

test('close stops the drawing of a task that never got its results', async () => {
  const { raw } = await run([{ kind: 'task-start', name: 'hang', pos: pos(2), hosts: ['mx1'], handler: false }])
  // The cursor is shown again: listr2 released the stream.
  assert.ok(raw.endsWith('\x1b[?25h'))
})

test('a debug message is shown under its task', async () => {
  const { lines } = await run([
    { kind: 'task-start', name: 'say', pos: pos(2), hosts: ['mx1'], handler: false },
    { kind: 'task-result', host: 'mx1', task: 'say', pos: pos(2), result: result('ok', { data: { msg: 'hi' } }) },
  ])
  assert.match(lines.join('\n'), /TASK \[say\] {2}1\/1.*\nok: \[mx1\] => \{\n {4}"msg": "hi"\n\}/)
})
