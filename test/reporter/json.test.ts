// --json writes one JSON object per event: the event itself plus `ts`.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RunEvent } from '../../src/events.js'
import { createReporter, HIDDEN_MSG } from '../../src/reporter/index.js'
import { mailRun, pos, result, sink } from './fixtures.js'

async function lines(events: RunEvent[]): Promise<Array<Record<string, unknown>>> {
  const s = sink()
  const r = createReporter({ mode: 'json', verbose: 3, diff: true, color: true, out: s.out })
  for (const e of events) r.on(e)
  await r.close()
  return s.text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
}

test('each event is one line holding exactly the event and an ISO timestamp', async () => {
  const events = mailRun()
  const got = await lines(events)
  assert.equal(got.length, events.length)
  got.forEach((line, i) => {
    const { ts, ...event } = line
    assert.match(String(ts), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    assert.deepEqual(event, events[i])
  })
})

test('output is never colored, whatever the color option says', async () => {
  const s = sink()
  const r = createReporter({ mode: 'json', verbose: 0, diff: false, color: true, out: s.out })
  for (const e of mailRun()) r.on(e)
  assert.doesNotMatch(s.text(), /\x1b/)
})

test('no_log results keep their status but lose data, msg, diff, planned and item values', async () => {
  const [line] = await lines([
    {
      kind: 'task-result', host: 'mx1', task: 'set password', pos: pos(4), noLog: true,
      result: result('changed', {
        msg: 'secret', data: { stdout: 'secret' }, planned: ['chpasswd secret'],
        diff: [{ path: '/etc/shadow', before: '', after: 'secret' }],
        items: [{ ...result('changed', { data: { x: 'secret' } }), item: 'secret', label: 'secret' }],
      }),
    },
  ])
  assert.doesNotMatch(JSON.stringify(line), /secret|shadow/)
  const r = line!.result as Record<string, unknown>
  assert.equal(r.status, 'changed')
  assert.equal(r.msg, HIDDEN_MSG)
  assert.deepEqual(r.data, { censored: HIDDEN_MSG })
})

test('a bigint in module data does not break the stream', async () => {
  const [line] = await lines([{ kind: 'task-result', host: 'mx1', task: 't', pos: pos(1), result: result('ok', { data: { size: 10n ** 20n } }) }])
  assert.deepEqual((line!.result as { data: unknown }).data, { size: '100000000000000000000' })
})
