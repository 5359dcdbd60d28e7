// Ansible's role name variables: the play's own roles, the ones pulled in as meta dependencies,
// both together, and (inside an imported or included role) the roles that brought it in.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { test } from 'node:test'
import type { RunEvent } from '../../src/events.js'
import { runInline } from '../helpers/run-playbook.js'

const FILES = {
  'roles/base/tasks/main.yml': '- debug: { msg: base }\n',
  'roles/app/meta/main.yml': 'dependencies:\n  - role: base\n',
  'roles/app/tasks/main.yml': `- assert:
    that:
      - role_name in role_names
      - role_name in ansible_play_role_names
      - role_names == ['app']
      - ansible_dependent_role_names == ['base']
      - ansible_role_names | sort == ['app', 'base']
      - ansible_parent_role_names is undefined
      - ansible_parent_role_paths is undefined
- import_role: { name: child }
- include_role: { name: child, tasks_from: other }
`,
  'roles/child/tasks/main.yml': `- assert:
    that:
      - ansible_parent_role_names == ['app']
      - ansible_parent_role_paths[0] is search('roles/app$')
`,
  'roles/child/tasks/other.yml': `- assert:
    that:
      - ansible_parent_role_names == ['app']
`,
  'playbook.yml': `- hosts: localhost
  gather_facts: false
  roles: [app]
  tasks:
    - assert:
        that:
          - role_names == ['app']
          - ansible_parent_role_names is undefined
`,
}

test('role_names, ansible_dependent_role_names, ansible_role_names and ansible_parent_role_names are as in Ansible', async () => {
  const r = await runInline(FILES)
  rmSync(r.dir, { recursive: true, force: true })
  const failed = r.events.filter((e): e is Extract<RunEvent, { kind: 'task-result' }> => e.kind === 'task-result' && e.result.status === 'failed')
  assert.deepEqual(failed.map((e) => e.result.msg), [])
  assert.equal(r.code, 0)
  const asserts = r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'ok').length
  assert.ok(asserts >= 5, `every assert ran (${asserts} ok results)`)
})
