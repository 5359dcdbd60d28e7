// Ansible keywords and loop forms as Ansible users write them, run over the local connection;
// each playbook asserts its own outcome with `assert`, so a wrong value fails the run.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { test } from 'node:test'
import { join } from 'node:path'
import { runIn, writeTree, type InlineRun } from '../helpers/run-playbook.js'

const play = (tasks: string, extra = '') => `- hosts: localhost\n  gather_facts: false\n${extra}  tasks:\n${tasks}`

async function runs(files: Record<string, string>, check: (r: InlineRun) => void = () => {}, inventory?: string): Promise<void> {
  const dir = writeTree(files)
  const r = await runIn(dir, inventory ? { inventory: join(dir, inventory) } : {})
  try {
    const failed = r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed' && !e.result.ignored)
    assert.deepEqual(failed.map((e) => (e.kind === 'task-result' ? `${e.task}: ${e.result.msg}` : '')), [])
    assert.equal(r.code, 0)
    check(r)
  } finally {
    rmSync(r.dir, { recursive: true, force: true })
  }
}

test('a one-line play with connection: local runs', async () => {
  await runs({ 'playbook.yml': '- hosts: localhost\n  connection: local\n  tasks:\n    - debug: msg=hi\n' }, (r) => assert.equal(r.stats.localhost?.ok, 2))
})

test('connection: local on a task reaches an inventory host that has no ansible_connection', async () => {
  await runs(
    {
      'inv.yml': 'all:\n  hosts:\n    faraway: { ansible_host: 192.0.2.1 }\n',
      'playbook.yml': '- hosts: faraway\n  gather_facts: false\n  tasks:\n    - command: "true"\n      connection: local\n',
    },
    (r) => assert.equal(r.stats.faraway?.changed, 1),
    'inv.yml',
  )
})

test('with_items, with_list, with_dict, with_sequence, with_together, with_nested, with_subelements, with_indexed_items', async () => {
  await runs({
    'playbook.yml': play(`    - debug: { msg: "{{ item }}" }
      with_items: [[1, 2], 3]
      register: r_items
    - debug: { msg: "{{ item }}" }
      with_list: [[1, 2], 3]
      register: r_list
    - debug: { msg: "{{ item.key }}={{ item.value }}" }
      with_dict: {a: 1, b: 2}
      register: r_dict
    - debug: { msg: "{{ item }}" }
      with_sequence: start=1 end=9 stride=4 format=n%02d
      register: r_seq
    - debug: { msg: "{{ item }}" }
      with_together: [[a, b], [1]]
      register: r_tog
    - debug: { msg: "{{ item }}" }
      with_nested: [[a, b], [1, 2]]
      register: r_nest
    - debug: { msg: "{{ item.1 }}" }
      with_subelements:
        - [{name: ann, keys: [k1, k2]}, {name: bob, keys: [k3]}]
        - keys
      register: r_sub
    - debug: { msg: "{{ item }}" }
      with_indexed_items: [x, y]
      register: r_idx
    - assert:
        that:
          - r_items.results | map(attribute='item') | list == [1, 2, 3]
          - r_list.results | map(attribute='item') | list == [[1, 2], 3]
          - r_dict.results | map(attribute='msg') | list == ['a=1', 'b=2']
          - r_seq.results | map(attribute='item') | list == ['n01', 'n05', 'n09']
          - r_tog.results | map(attribute='item') | list == [['a', 1], ['b', None]]
          - r_nest.results | length == 4
          - r_sub.results | map(attribute='msg') | list == ['k1', 'k2', 'k3']
          - r_sub.results[2].item.0.name == 'bob'
          - r_idx.results | map(attribute='item') | list == [[0, 'x'], [1, 'y']]
`),
  })
})

test('with_fileglob, with_lines and with_first_found read the controller, relative to the playbook', async () => {
  await runs({
    'files/a.conf': 'A\n',
    'files/b.conf': 'B\n',
    'files/c.txt': 'C\n',
    'playbook.yml': play(`    - debug: { msg: "{{ item | basename }}" }
      with_fileglob: ['*.conf']
      register: r_glob
    - debug: { msg: "{{ item }}" }
      with_lines: printf 'one\\ntwo\\n'
      register: r_lines
    - debug: { msg: "{{ item | basename }}" }
      with_first_found: [missing.conf, c.txt, a.conf]
      register: r_first
    - debug: { msg: "{{ item }}" }
      loop: "{{ query('fileglob', '*.txt') | map('basename') | list }}"
      register: r_qglob
    - assert:
        that:
          - r_glob.results | map(attribute='msg') | list == ['a.conf', 'b.conf']
          - r_lines.results | map(attribute='item') | list == ['one', 'two']
          - r_first.results | map(attribute='msg') | list == ['c.txt']
          - r_qglob.results | map(attribute='item') | list == ['c.txt']
          - lookup('file', 'a.conf') == 'A'
          - lookup('first_found', ['nope', 'b.conf']) is abs
`),
  })
})

test('loop_control: loop_var, index_var, label, pause and extended ansible_loop', async () => {
  await runs({
    'playbook.yml': play(`    - debug: msg="{{ i }} {{ fruit }} {{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.revindex0 }} {{ ansible_loop.previtem | default('-') }} {{ ansible_loop.nextitem | default('-') }}"
      loop: [apple, pear]
      loop_control:
        loop_var: fruit
        index_var: i
        label: "{{ fruit | upper }}"
        pause: 0
        extended: true
      register: r
    - debug: msg="{{ ansible_loop.allitems is defined }}"
      loop: [1]
      loop_control: { extended: true, extended_allitems: false }
      register: no_all
    - assert:
        that:
          - r.results | map(attribute='msg') | list == ['0 apple 1/2 1 - pear', '1 pear 2/2 0 apple -']
          - r.results[0].ansible_loop_var == 'fruit'
          - r.results[1].fruit == 'pear'
          - r.results[1].i == 1
          - no_all.results[0].msg == 'False' or no_all.results[0].msg == 'false'
`),
  }, (run) => {
    const labels = run.results('debug').flatMap((e) => (e.kind === 'task-result' ? (e.result.items ?? []).map((i) => i.label) : []))
    assert.ok(labels.includes('APPLE') && labels.includes('PEAR'), `labels: ${labels.join(',')}`)
  })
})

test('action: and local_action: name the module in their value', async () => {
  await runs({
    'playbook.yml': play(`    - action: command echo hi
      register: a
    - local_action: command echo there
      register: b
    - action:
        module: debug
        msg: mapped
      register: c
    - assert:
        that:
          - a.stdout == 'hi'
          - b.stdout == 'there'
          - c.msg == 'mapped'
`),
  })
})

test('strategy and serial may be templates of play vars', async () => {
  await runs({
    'playbook.yml': `- hosts: localhost\n  gather_facts: false\n  vars: { how: free, size: 1 }\n  strategy: "{{ how }}"\n  serial: "{{ size }}"\n  tasks:\n    - debug: msg=ok\n`,
  })
})

test('become_method: sudo is accepted and anything else is refused at load with the value named', async () => {
  const dir = writeTree({ 'playbook.yml': play('    - debug: msg=x\n      become_method: doas\n') })
  await assert.rejects(runIn(dir), /become_method 'doas' is not supported/)
  rmSync(dir, { recursive: true, force: true })
  await runs({ 'playbook.yml': play('    - debug: msg=x\n      become_method: sudo\n') })
})

test('apply: on include_tasks and include_role gives its keywords to every included task', async () => {
  await runs(
    {
      'fails.yml': '- command: /bin/false\n',
      'roles/r/tasks/main.yml': '- command: /bin/false\n',
      'playbook.yml': play(`    - include_tasks:
        file: fails.yml
        apply: { ignore_errors: true }
    - include_role:
        name: r
        apply: { ignore_errors: true }
`),
    },
    (r) => assert.equal(r.stats.localhost?.ignored, 2),
  )
})
