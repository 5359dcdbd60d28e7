// docs/events.md is the public --json schema: it must cover every event kind with a real example.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import type { RunEventKind } from '../../src/events.js'

// A Record over RunEventKind: adding a kind fails to compile until it is listed here.
const kinds: Record<RunEventKind, true> = {
  'run-start': true, 'play-start': true, 'task-start': true, 'task-result': true,
  output: true, progress: true, report: true, warning: true, message: true, recap: true, 'run-end': true,
}

const doc = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8')

test('every event kind has a section in docs/events.md', () => {
  for (const kind of Object.keys(kinds)) assert.match(doc, new RegExp(`^### \`${kind}\`$`, 'm'), kind)
})

test('every example line is valid JSON of a documented kind with a ts', () => {
  const examples = [...doc.matchAll(/```json\n(.*)\n```/g)].map((m) => JSON.parse(m[1]!) as { kind: string; ts: string })
  assert.ok(examples.length >= Object.keys(kinds).length)
  for (const e of examples) {
    assert.ok(e.kind in kinds, e.kind)
    assert.ok(!Number.isNaN(Date.parse(e.ts)))
  }
  assert.deepEqual(new Set(examples.map((e) => e.kind)), new Set(Object.keys(kinds)))
})
