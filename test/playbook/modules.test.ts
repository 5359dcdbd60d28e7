// How a task's module key is resolved and its args checked, with a module registered by the test.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ParseError } from '../../src/errors.js'
import { registerModule } from '../../src/modules/index.js'
import { loadPlaybook } from '../../src/playbook/load.js'
import type { Task } from '../../src/playbook/types.js'
import { tempDir } from '../helpers/tmp.js'

const noop = { gather: async () => undefined, plan: () => ({ changes: [] }) }
registerModule({ name: 'probe_closed', description: 'test', freeForm: 'text', schema: { type: 'object', properties: { text: {}, level: {} }, additionalProperties: false }, ...noop })
registerModule({ name: 'probe_open', description: 'test', schema: { type: 'object', properties: { a: {} } }, ...noop })

const dir = tempDir('tsplay-modules-')
function tasksOf(yaml: string): Task[] {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yml`)
  writeFileSync(file, `- hosts: all\n  tasks:\n${yaml}`)
  return loadPlaybook(file).plays[0]!.tasks as Task[]
}

test('a collection prefix is dropped: tsplay.probe_closed is probe_closed', () => {
  const [t] = tasksOf('    - tsplay.probe_closed: hello level=2\n')
  assert.equal(t!.module, 'probe_closed')
  assert.deepEqual(t!.args, { text: 'hello', level: '2' })
})

test('inline args win over the args: keyword, as in Ansible', () => {
  const [t] = tasksOf('    - probe_closed:\n        level: 1\n      args:\n        level: 9\n        text: x\n')
  assert.deepEqual(t!.args, { level: 1, text: 'x' })
})

test('arg values are not type-checked at load: a template may stand for a number', () => {
  const [t] = tasksOf('    - probe_closed: {level: "{{ n }}"}\n')
  assert.deepEqual(t!.args, { level: '{{ n }}' })
})

test('a module whose schema is open accepts any arg name', () => {
  const [t] = tasksOf('    - probe_open: {a: 1, anything: 2}\n')
  assert.deepEqual(t!.args, { a: 1, anything: 2 })
})

test('an unknown arg of a closed schema fails at the arg name with did-you-mean', () => {
  assert.throws(
    () => tasksOf('    - probe_closed:\n        levle: 1\n'),
    (e: unknown) => e instanceof ParseError && e.pos?.line === 4 && e.pos.col === 9 && /unknown arg 'levle'.*Did you mean 'level'\?/.test(e.message),
  )
})

test('an empty vars: or args: is allowed', () => {
  const [t] = tasksOf('    - probe_open:\n      vars:\n      args:\n')
  assert.deepEqual([t!.vars, t!.args], [{}, {}])
})
