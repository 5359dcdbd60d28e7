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

test('a {{ }} expression with spaces and quotes stays one value', () => {
  assert.deepEqual(splitKv(`msg="{{ a ~ ' ' ~ b }}" path={{ dir }}/{{ "x y" | trim }}`, () => true), {
    args: { msg: `{{ a ~ ' ' ~ b }}`, path: '{{ dir }}/{{ "x y" | trim }}' },
    rest: '',
  })
})

test('an unquoted {{ }} with spaces after key= is not split at its spaces', () => {
  assert.deepEqual(splitKv(`line={{ item.key }}={{ item.value }} create=yes`, () => true), {
    args: { line: '{{ item.key }}={{ item.value }}', create: 'yes' },
    rest: '',
  })
})

test('quoted values decode backslash escapes as Ansible does', () => {
  assert.deepEqual(splitKv(`content="a\\nb" x='it\\'s'`, () => true).args, { content: 'a\nb', x: "it's" })
})

test('a key=value line of its own in a multi-line script is taken out and the script kept as written', () => {
  const script = 'creates=/tmp/done\nif true; then\n  echo "a  b" > /tmp/done\nfi\n'
  assert.deepEqual(splitKv(script, (k) => k === 'creates' || k === 'chdir'), {
    args: { creates: '/tmp/done' },
    rest: 'if true; then\n  echo "a  b" > /tmp/done\nfi',
  })
})

test('a multi-line script without accepted keys is returned unchanged', () => {
  const script = 'FOO=bar\necho $FOO\n'
  assert.deepEqual(splitKv(script, (k) => k === 'creates'), { args: {}, rest: script })
})

test("Python escapes are decoded in key=value words, quoted or not, as Ansible's parse_kv does", () => {
  assert.deepEqual(splitKv(String.raw`a='\b(.+)\b' b=\\b(.+)\\b c=\x41\u00e9 d='\1'`, () => true).args, { a: '\b(.+)\b', b: String.raw`\b(.+)\b`, c: 'Aé', d: String.raw`\1` })
})

test('a key may be a template, as Ansible takes whatever precedes the first =', () => {
  assert.deepEqual(splitKv(`{{ item.key }}={{ hostvars[inventory_hostname][item.value] }} pre_{{ n }}=1`, () => true), {
    args: { '{{ item.key }}': '{{ hostvars[inventory_hostname][item.value] }}', 'pre_{{ n }}': '1' },
    rest: '',
  })
})
