// Inline key=value args split like Ansible: quotes respected, unknown keys left in the text.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { splitKv } from '../../src/playbook/kv.js'

test('key=value pairs are split on spaces outside quotes and unquoted', () => {
  assert.deepEqual(splitKv(`src=a.conf dest='/etc/my app.conf' mode="0644"`, () => true), {
    args: { src: 'a.conf', dest: '/etc/my app.conf', mode: '0644' },
    rest: '',
  })
})

test('only accepted keys are pulled out; the rest stays as free text in order', () => {
  assert.deepEqual(splitKv(`echo a=b "x y" chdir=/tmp`, (k) => k === 'chdir'), { args: { chdir: '/tmp' }, rest: 'echo a=b "x y"' })
})
