// group_by and add_host change the run's inventory for the plays that follow, as in Ansible:
// group_by per host, add_host once per play, both in check mode too; run over local hosts.
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type { RunEvent } from '../../src/events.js'
import { runIn, writeTree, type InlineRun } from '../helpers/run-playbook.js'

const INVENTORY = `all:
  hosts:
    web1: { ansible_connection: local, kind: web }
    db1: { ansible_connection: local, kind: db }
`

async function run(playbook: string, files: Record<string, string> = {}, opts: { check?: boolean } = {}): Promise<InlineRun> {
  const dir = writeTree({ 'inv.yml': INVENTORY, 'playbook.yml': playbook, ...files })
  try {
    return await runIn(dir, { inventory: join(dir, 'inv.yml'), ...opts })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const failures = (r: InlineRun) => r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed').map((e) => (e as Extract<RunEvent, { kind: 'task-result' }>).result.msg)
const hostsOf = (r: InlineRun, play: string) => (r.events.find((e) => e.kind === 'play-start' && e.name === play) as Extract<RunEvent, { kind: 'play-start' }>).hosts

test('group_by puts each host in the group its vars name, under the parents, with that group\'s group_vars', async () => {
  const r = await run(
    `- hosts: all
  gather_facts: false
  tasks:
    - group_by: key=kind_{{ kind }} parents=kinds
      register: g
    - group_by: key=kind_{{ kind }} parents=kinds
      register: again
    - assert:
        that: [g is changed, again is not changed, "g.add_group == 'kind_' ~ kind", "g.parent_groups == ['kinds']"]
- name: webs
  hosts: kind_web
  gather_facts: false
  tasks:
    - assert:
        that: ["group_names == ['kind_web', 'kinds']", "from_file == 'yes'", "groups.kinds | sort == ['db1', 'web1']"]
`,
    { 'group_vars/kind_web.yml': 'from_file: "yes"\n' },
  )
  assert.deepEqual(failures(r), [])
  assert.equal(r.code, 0)
  assert.deepEqual(hostsOf(r, 'webs'), ['web1'])
})

test('add_host runs once per play and adds hosts with groups, vars and a port for later plays', async () => {
  const r = await run(`- hosts: all
  gather_facts: false
  tasks:
    - add_host:
        name: "{{ item }}:2222"
        groups: fresh,extra
        ansible_connection: local
        color: blue
      loop: [new1, new2]
      register: added
    - assert:
        that: [added is changed, "added.results[0].add_host.host_name == 'new1'", "hostvars.new2.group_names == ['extra', 'fresh']"]
- name: fresh ones
  hosts: fresh
  gather_facts: false
  tasks:
    - assert:
        that: [color == 'blue', ansible_ssh_port == 2222, "group_names == ['extra', 'fresh']", "inventory_hostname in groups['all']"]
`)
  assert.deepEqual(failures(r), [])
  assert.equal(r.code, 0)
  assert.deepEqual(hostsOf(r, 'fresh ones'), ['new1', 'new2'])
  // Ran once for the play (the first host), not once per host.
  assert.equal(r.events.filter((e) => e.kind === 'task-start' && e.name === 'add_host').length, 1)
  assert.equal(r.stats.new1?.ok, 1)
})

test('add_host on a known host adds its groups and vars; adding what is there already is not a change', async () => {
  const r = await run(`- hosts: web1
  gather_facts: false
  tasks:
    - add_host: name=db1 groups=picked role=primary
      register: first
    - add_host: name=db1 groups=picked role=primary
      register: second
    - assert:
        that: [first is changed, second is not changed]
- name: picked
  hosts: picked
  gather_facts: false
  tasks:
    - assert:
        that: [role == 'primary', kind == 'db']
`)
  assert.deepEqual(failures(r), [])
  assert.deepEqual(hostsOf(r, 'picked'), ['db1'])
})

test('in check mode group_by and add_host still change the inventory, as in Ansible', async () => {
  const r = await run(
    `- hosts: all
  gather_facts: false
  tasks:
    - group_by: { key: "checked_{{ kind }}" }
    - add_host: { name: extra1, groups: checked_web, ansible_connection: local }
- name: checked
  hosts: checked_web
  gather_facts: false
  tasks:
    - command: "true"
`,
    {},
    { check: true },
  )
  assert.deepEqual(failures(r), [])
  assert.deepEqual(hostsOf(r, 'checked'), ['web1', 'extra1'])
})

test('group_by on the implicit localhost makes a group of it that still runs locally, outside all', async () => {
  const r = await run(`- hosts: localhost
  gather_facts: false
  tasks:
    - group_by: key=controller
- name: ctl
  hosts: controller
  gather_facts: false
  tasks:
    - command: echo here
      register: out
    - assert:
        that: [out.stdout == 'here', "'localhost' not in groups['all']"]
- name: everyone
  hosts: all
  gather_facts: false
  tasks: []
`)
  assert.deepEqual(failures(r), [])
  assert.deepEqual(hostsOf(r, 'ctl'), ['localhost'])
  assert.deepEqual(hostsOf(r, 'everyone'), ['web1', 'db1'])
})

test('add_host takes its args from a template that renders to a mapping, and fails on text that is not one', async () => {
  const r = await run(`- hosts: web1
  gather_facts: false
  vars:
    inventory_data:
      name: fromdict
      groups: dictgroup
      ansible_connection: local
  tasks:
    - add_host: "{{ inventory_data }}"
    - add_host: namenewdynamichost groupsnewdynamicgroup
      ignore_errors: true
      register: badinput
    - assert:
        that: [badinput is failed, "'Invalid raw parameters' in badinput.msg"]
- name: from dict
  hosts: dictgroup
  gather_facts: false
  tasks: []
`)
  assert.deepEqual(hostsOf(r, 'from dict'), ['fromdict'])
  assert.equal(r.code, 0)
})
