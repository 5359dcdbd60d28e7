// Places where tsplay used to differ from Ansible, one behaviour per test, run over the local
// connection; the playbooks assert their own outcome, the test checks the recap.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { test } from 'node:test'
import { runInline, type InlineRun } from '../helpers/run-playbook.js'

const play = (tasks: string) => `- hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks}`

async function run(tasks: string, files: Record<string, string> = {}, playVars?: string): Promise<InlineRun> {
  const text = playVars === undefined ? play(tasks) : play(tasks).replace('  tasks:\n', `  vars:\n    ${playVars}\n  tasks:\n`)
  const r = await runInline({ 'playbook.yml': text, ...files })
  rmSync(r.dir, { recursive: true, force: true })
  const failed = r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed' && !e.result.ignored)
  assert.deepEqual(failed.map((e) => (e.kind === 'task-result' ? `${e.task}: ${e.result.msg}` : '')), [])
  assert.equal(r.code, 0)
  return r
}

test('set_fact: flag=false sets a boolean, so when: flag is false', async () => {
  const r = await run(`    - set_fact: flag=false other=Yes text=falsey
    - command: "true"
      when: flag
      register: ran
    - assert:
        that:
          - ran is skipped
          - flag is boolean
          - other is true
          - text == 'falsey'
`)
  assert.equal(r.stats.localhost?.skipped, 1)
})

test('ignore_errors covers an undefined variable and a bad expression in the args', async () => {
  const r = await run(`    - debug: { msg: "{{ nope }}" }
      ignore_errors: true
      register: undef
    - debug: { msg: "{{ 1 + }}" }
      ignore_errors: true
      register: bad
    - assert:
        that:
          - undef is failed
          - "'nope' in undef.msg"
          - bad is failed
`)
  assert.equal(r.stats.localhost?.ignored, 2)
})

test('ignore_errors covers failed_when, and the result carries failed_when_result', async () => {
  const r = await run(`    - command: echo hi
      failed_when: "'hi' in out.stdout"
      register: out
      ignore_errors: true
    - command: echo hi
      failed_when: false
      register: fine
    - assert:
        that:
          - out is failed
          - out.failed_when_result
          - fine.failed_when_result == false
`)
  assert.equal(r.stats.localhost?.ignored, 1)
})

test('ignore_errors covers arguments that are invalid once templated', async () => {
  const r = await run(`    - file: { path: "{{ lookup('first_found', ['nope.yml'], errors='ignore', wantlist=True) }}", state: absent }
      ignore_errors: true
      register: bad_args
    - assert:
        that:
          - bad_args is failed
`)
  assert.equal(r.stats.localhost?.ignored, 1)
})

test('an undefined variable inside failed_when with ignore_errors is ignored, not fatal', async () => {
  const r = await run(`    - command: "true"
      failed_when: missing.rc != 0
      ignore_errors: true
`)
  assert.equal(r.stats.localhost?.ignored, 1)
})

test('a looped include_tasks sees ansible_loop, index_var and loop_var in the included tasks', async () => {
  await run(
    `    - include_tasks: inc.yml
      loop: [a, b]
      loop_control: { extended: true, index_var: idx, loop_var: letter }
`,
    {
      'inc.yml': `- assert:
    that:
      - ansible_loop.index0 == idx
      - ansible_loop.allitems == ['a', 'b']
      - letter == ansible_loop.allitems[idx]
      - ansible_loop_var == 'letter'
`,
    },
  )
})

test('debug with verbosity above the run level is skipped', async () => {
  const r = await run(`    - debug: { msg: detail, verbosity: 2 }
      register: quiet
    - assert:
        that:
          - quiet is skipped
`)
  assert.equal(r.stats.localhost?.skipped, 1)
})

test('a loop over an empty list is skipped', async () => {
  await run(`    - debug: { msg: never }
      loop: []
      register: empty
    - assert:
        that:
          - empty is skipped
          - empty.results == []
`)
})

test('a value tagged !unsafe is never rendered, in vars or in args', async () => {
  const r = await runInline({
    'playbook.yml': `- hosts: localhost
  gather_facts: false
  vars:
    raw: !unsafe "a{{ b }}"
  tasks:
    - debug: { msg: "{{ raw }}" }
      register: shown
    - debug: { msg: !unsafe "{% raw %}{{ c }}" }
      register: literal
    - assert:
        that:
          - shown.msg == 'a{' ~ '{ b }}'
          - literal.msg == '{' ~ '% raw %}{' ~ '{ c }}'
`,
  })
  rmSync(r.dir, { recursive: true, force: true })
  assert.equal(r.code, 0)
})

test('set_fact keys are templates too, in key=value text and in a mapping; a bad name fails', async () => {
  const r = await run(`    - set_fact: "{{ item.key }}={{ item.value }}"
      loop: "{{ {'first': 1, 'second': 'two'} | dict2items }}"
    - set_fact:
        "{{ 'third_' ~ 3 }}": [3]
    - set_fact: { "{{ 'not a name' }}": 1 }
      ignore_errors: true
      register: bad
    - assert:
        that:
          - first == 1
          - second == 'two'
          - third_3 == [3]
          - bad is failed
          - "'not a name' in bad.results | default([bad]) | map(attribute='msg') | join"
`)
  assert.equal(r.stats.localhost?.ignored, 1)
})

test('in a loop, facts set by the earlier items are seen by the later ones', async () => {
  await run(`    - set_fact:
        seen: "{{ seen | default([]) + [item] }}"
      loop: [a, b, c]
    - assert:
        that: seen == ['a', 'b', 'c']
`)
})

test('hostvars of a host show the play vars and extra vars too, as Ansible\'s', async () => {
  await run(`    - set_fact:
        picked: "{{ hostvars[inventory_hostname][item] }}"
      loop: [play_var]
      vars: {}
    - assert:
        that: [picked == 'from play', "hostvars['localhost'].dir == dir"]
`, {}, 'play_var: from play')
})

test('a changed_when or failed_when that cannot be evaluated fails the task but keeps its output', async () => {
  const r = await run(`    - command: echo foo
      changed_when: boomboomboom
      register: bad_changed
      ignore_errors: true
    - command: echo foo
      failed_when: boomboomboom
      register: bad_failed
      ignore_errors: true
    - assert:
        that:
          - bad_changed is failed
          - bad_changed.stdout == 'foo'
          - bad_changed.changed_when_result is contains('boomboomboom')
          - bad_failed is failed
          - bad_failed.stdout == 'foo'
          - bad_failed.failed_when_result is contains('boomboomboom')
`)
  assert.equal(r.stats.localhost?.ignored, 2)
})

test("lookups fail as Ansible's do: with_sequence with an unknown argument, subelements on a non-dict; errors=ignore gives an empty text", async () => {
  const r = await run(`    - debug: { msg: "{{ item }}" }
      with_sequence: start=0 junk=3
      register: seq
      ignore_errors: true
    - set_fact:
        err: "{{ lookup('subelements', 9001, 'groups', wantlist=true) }}"
      register: sub
      ignore_errors: true
    - set_fact:
        none_found: "{{ lookup('first_found', 'not_a_file.yaml', errors='ignore') }}"
    - set_fact:
        pairs: "{{ lookup('subelements', [{'n': 'a', 'k': {'l': [1, 2]}}], 'k.l', wantlist=true) }}"
    - assert:
        that:
          - seq is failed
          - "'unrecognized arguments to with_sequence' in seq.msg"
          - sub is failed
          - "'expects a dictionary' in sub.msg"
          - none_found == ''
          - "pairs == [[{'n': 'a', 'k': {}}, 1], [{'n': 'a', 'k': {}}, 2]]"
`)
  assert.equal(r.stats.localhost?.ignored, 2)
})

test('a role may import its own other tasks files; only the same file again is a cycle', async () => {
  const r = await runInline({
    'roles/self/tasks/main.yml': `- import_role: { name: self, tasks_from: other }\n- include_role: { name: self, tasks_from: other }\n`,
    'roles/self/tasks/other.yml': `- set_fact: { ran: "{{ (ran | default(0)) + 1 }}" }\n`,
    'playbook.yml': `- hosts: localhost\n  gather_facts: false\n  roles: [self]\n  tasks:\n    - assert: { that: ran | int == 2 }\n`,
  })
  rmSync(r.dir, { recursive: true, force: true })
  assert.equal(r.code, 0)
})

test('first_found splits a text of paths at colons too, as Ansible\'s legacy form', async () => {
  await run(`    - set_fact: found={{ item }}
      vars:
        params:
          files: not/a/file.yaml;hosts
          paths: not/a/path:/etc
      loop: "{{ q('first_found', params) }}"
    - assert:
        that: found == '/etc/hosts'
`)
})
