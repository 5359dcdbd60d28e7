// include_vars through real playbook runs (local connection): a role's vars/ folder, a folder
// in Ansible's order, name:, hash_behaviour merge, and set_fact's precedence over role vars.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { test } from 'node:test'
import { runIn, writeTree } from '../../helpers/run-playbook.js'

async function runs(files: Record<string, string>): Promise<void> {
  const dir = writeTree(files)
  const r = await runIn(dir, {})
  try {
    const failed = r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed' && !e.result.ignored)
    assert.deepEqual(failed.map((e) => (e.kind === 'task-result' ? `${e.task}: ${e.result.msg}` : '')), [])
    assert.equal(r.code, 0)
  } finally {
    rmSync(r.dir, { recursive: true, force: true })
  }
}

test("include_vars in a role reads its vars/ folder, wins over role defaults and vars, and templates values", async () => {
  await runs({
    'roles/r/defaults/main.yml': 'level: default\n',
    'roles/r/vars/main.yml': 'level: rolevar\n',
    'roles/r/vars/extra.yml': "level: included\nbase: 'x'\nderived: '{{ base }}-y'\n",
    'roles/r/tasks/main.yml': `- include_vars: extra.yml
  register: iv
- assert:
    that:
      - level == 'included'
      - derived == 'x-y'
      - iv.ansible_included_var_files | length == 1
      - "'roles/r/vars/extra.yml' in iv.ansible_included_var_files[0]"
`,
    'playbook.yml': '- hosts: localhost\n  gather_facts: false\n  roles: [r]\n',
  })
})

test('include_vars dir loads folders in sorted path order, later files winning; name: nests them; merge merges', async () => {
  await runs({
    'vars/d/b.yml': 'who: b\nonly_b: 1\n',
    'vars/d/a.yml': 'who: a\n',
    'vars/d/sub/c.yml': 'who: c\n',
    'vars/d/skip.txt': 'who: txt\n',
    'vars/h1.yml': 'conf: {a: 1, n: {x: 1}}\n',
    'vars/h2.yml': 'conf: {b: 2, n: {y: 2}}\n',
    'playbook.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - include_vars: { dir: vars/d, ignore_unknown_extensions: true }
      register: d
    - assert:
        that:
          - who == 'c'
          - only_b == 1
          - d.ansible_included_var_files | map('basename') | list == ['a.yml', 'b.yml', 'c.yml']
    - include_vars: { dir: vars/d, name: nested, depth: 1, files_matching: '^a' }
    - assert: { that: ["nested == {'who': 'a'}"] }
    - include_vars: { dir: vars/d }
      register: bad
      ignore_errors: true
    - assert: { that: ["'does not have a valid extension' in bad.message"] }
    - include_vars: vars/h1.yml
    - include_vars: { file: vars/h2.yml, hash_behaviour: merge }
    - assert: { that: ["conf == {'a': 1, 'b': 2, 'n': {'x': 1, 'y': 2}}"] }
`,
  })
})
