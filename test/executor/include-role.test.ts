// A looped or templated include_role runs as Ansible's dynamic include: per host and loop item,
// the role its rendered args name (tasks_from, vars, apply), with the item's loop variables.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { test } from 'node:test'
import type { RunEvent } from '../../src/events.js'
import { runInline, type InlineRun } from '../helpers/run-playbook.js'

const ROLES = {
  'roles/greet/defaults/main.yml': 'greeting: hi\n',
  'roles/greet/tasks/main.yml': `- set_fact:
    greeted: "{{ greeted | default([]) + [greeting ~ ' ' ~ who ~ ' ' ~ ansible_loop.index] }}"
- command: "true"
  notify: greeted handler
`,
  'roles/greet/tasks/alt.yml': `- set_fact:
    alt: "{{ alt | default([]) + [who] }}"
`,
  'roles/greet/handlers/main.yml': `- name: greeted handler
  set_fact:
    handled: true
`,
  'roles/other/tasks/main.yml': `- set_fact:
    other_ran: "{{ who }}"
`,
}

async function run(tasks: string, opts: Parameters<typeof runInline>[1] = {}): Promise<InlineRun> {
  const r = await runInline({ ...ROLES, 'playbook.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks}` }, opts)
  rmSync(r.dir, { recursive: true, force: true })
  return r
}

const failures = (r: InlineRun) => r.events.filter((e): e is Extract<RunEvent, { kind: 'task-result' }> => e.kind === 'task-result' && e.result.status === 'failed').map((e) => e.result.msg)

test('a looped include_role runs the role once per item under loop_var, with its defaults and handlers', async () => {
  const r = await run(`    - include_role:
        name: greet
      loop: [ann, bob]
      loop_control:
        loop_var: who
        extended: true
    - meta: flush_handlers
    - assert:
        that:
          - greeted == ['hi ann 1', 'hi bob 2']
          - handled
`)
  assert.deepEqual(failures(r), [])
  assert.equal(r.code, 0)
})

test('tasks_from, vars and the role name are rendered per item, and when filters the items', async () => {
  const r = await run(`    - include_role:
        name: greet
        tasks_from: "{{ which }}"
      vars:
        which: alt
        who: "{{ person }}"
      loop: [cy, di]
      loop_control: { loop_var: person }
    - include_role:
        name: "{{ item.role }}"
      vars:
        who: "{{ item.who }}"
      loop:
        - { role: other, who: eve }
        - { role: greet, who: zed }
      when: item.who != 'zed'
    - assert:
        that:
          - alt == ['cy', 'di']
          - other_ran == 'eve'
          - greeted is not defined
`)
  assert.deepEqual(failures(r), [])
  assert.equal(r.code, 0)
})

test('apply gives its tags to the role tasks, and a role name that renders to no role fails that host at the include', async () => {
  const r = await run(
    `    - include_role:
        name: other
        apply:
          tags: [picked]
      vars: { who: tagged }
      loop: [1]
      tags: [always]
    - include_role:
        name: "{{ item }}"
      loop: [nosuch]
      tags: [picked]
`,
    { tags: { only: ['picked'], skip: [] } },
  )
  const ran = r.events.filter((e): e is Extract<RunEvent, { kind: 'task-result' }> => e.kind === 'task-result' && e.task === 'other : set_fact')
  assert.equal(ran.length, 1)
  const failed = failures(r)
  assert.equal(failed.length, 1)
  assert.match(failed[0]!, /role 'nosuch' not found/)
})

test('a looped include_role naming a role that does not exist is refused at load', async () => {
  await assert.rejects(
    run(`    - include_role: { name: missing_role }
      loop: [1, 2]
`),
    /role 'missing_role' not found/,
  )
})
