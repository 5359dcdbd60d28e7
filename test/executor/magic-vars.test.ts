// Ansible's magic variables of roles and templates: the play's own roles, those pulled in as meta
// dependencies, both together, the roles that brought a role in, and a template file's template_*.
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

test("a template file sees Ansible's template_* variables and ansible_managed", async () => {
  const r = await runInline({
    'templates/t.j2': '{{template_path}}|{{template_fullpath}}|{{template_destpath}}|{{template_uid}}|{{ansible_managed}}|{{template_host}}|{{template_run_date}}|{{template_mtime}}\n',
    'playbook.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - template: { src: t.j2, dest: "{{ playbook_dir }}/out" }
    - set_fact: { out: "{{ lookup('file', playbook_dir ~ '/out') }}" }
    - assert:
        that:
          - "out.split('|')[0] == 't.j2'"
          - "out.split('|')[1] == playbook_dir ~ '/templates/t.j2'"
          - "out.split('|')[2] == playbook_dir ~ '/out'"
          - "out.split('|')[3] == 'root' or out.split('|')[3] | int > 0"
          - "out.split('|')[4] == 'Ansible managed'"
          - "out.split('|')[5] | length > 0"
          - "out.split('|')[6] is match('[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}[.][0-9]{6}$')"
          - "out.split('|')[7] is match('[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$')"
`,
  })
  rmSync(r.dir, { recursive: true, force: true })
  const failed = r.events.filter((e): e is Extract<RunEvent, { kind: 'task-result' }> => e.kind === 'task-result' && e.result.status === 'failed')
  assert.deepEqual(failed.map((e) => e.result.msg), [])
  assert.equal(r.code, 0)
})
