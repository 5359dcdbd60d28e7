// A table of playbooks run over the local connection: each run twice, the second changing nothing.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runIn, writeTree } from '../helpers/run-playbook.js'
import type { HostStats } from '../../src/executor/result.js'

type Counts = Partial<HostStats>
interface Case {
  name: string
  playbook: string
  files?: Record<string, string>
  inventory?: string
  opts?: Parameters<typeof runIn>[1]
  code?: number
  first: Record<string, Counts>
  /** Second run's counts; default: same ok, 0 changed. */
  second?: Record<string, Counts> | false
  after?: (dir: string) => void
  /** Look at the first run's events. */
  events?: (run: Awaited<ReturnType<typeof runIn>>) => void
}

const play = (tasks: string, extra = '') => `- hosts: localhost\n  gather_facts: false\n${extra}  tasks:\n${tasks}`

const cases: Case[] = [
  {
    name: 'a command with creates changes once, then reports ok',
    playbook: play(`    - command: touch {{ dir }}/made\n      args:\n        creates: "{{ dir }}/made"\n`),
    first: { localhost: { ok: 1, changed: 1 } },
    after: (dir) => assert.ok(existsSync(join(dir, 'made'))),
  },
  {
    name: 'register and when see the previous result',
    playbook: play(`    - shell: echo hello
      register: r
      changed_when: false
    - debug:
        msg: "said {{ r.stdout }}"
      when: r.stdout == 'hello'
    - fail:
        msg: should be skipped
      when: r.rc != 0
`),
    first: { localhost: { ok: 2, changed: 0, skipped: 1 } },
  },
  {
    name: 'a loop runs once per item and registers every result',
    playbook: play(`    - shell: "printf %s {{ item }} > {{ dir }}/{{ item }}"
      args:
        creates: "{{ dir }}/{{ item }}"
      loop: [a, b, c]
      register: made
    - assert:
        that: made.results | length == 3
`),
    first: { localhost: { ok: 2, changed: 1 } },
    after: (dir) => assert.equal(readFileSync(join(dir, 'b'), 'utf8'), 'b'),
  },
  {
    name: 'a failure in a block runs rescue and always and counts as rescued',
    playbook: play(`    - block:
        - command: /bin/false
        - debug: { msg: not reached }
      rescue:
        - debug: { msg: "rescued {{ ansible_failed_task.name }}" }
      always:
        - debug: { msg: always }
`),
    first: { localhost: { failed: 0, rescued: 1, ok: 2 } },
    second: { localhost: { failed: 0, rescued: 1 } },
  },
  {
    name: 'a handler runs once at the end, only when notified by a change',
    playbook: play(
      `    - command: touch {{ dir }}/conf
      args: { creates: "{{ dir }}/conf" }
      notify: reload
    - command: touch {{ dir }}/conf2
      args: { creates: "{{ dir }}/conf2" }
      notify: reload
`,
      '',
    ) + `  handlers:\n    - name: reload\n      shell: echo x >> {{ dir }}/reloads\n`,
    first: { localhost: { changed: 3, ok: 3 } },
    second: { localhost: { changed: 0, ok: 2 } },
    after: (dir) => assert.equal(readFileSync(join(dir, 'reloads'), 'utf8'), 'x\n'),
  },
  {
    name: 'tags select tasks; always runs; never does not',
    playbook: play(`    - debug: { msg: one }
      tags: [one]
    - debug: { msg: two }
      tags: [two]
    - debug: { msg: always }
      tags: [always]
    - debug: { msg: never }
      tags: [never]
`),
    opts: { tags: { only: ['two'], skip: [] } },
    first: { localhost: { ok: 2 } },
  },
  {
    name: 'ignore_errors lets the host go on and counts as ignored',
    playbook: play(`    - command: /bin/false
      ignore_errors: true
    - debug: { msg: still here }
`),
    first: { localhost: { ok: 2, ignored: 1, failed: 0 } },
  },
  {
    name: 'a failed task stops the host and the run exits 2',
    playbook: play(`    - fail: { msg: boom }
    - debug: { msg: not reached }
`),
    code: 2,
    first: { localhost: { failed: 1, ok: 0 } },
  },
  {
    name: 'failed_when and changed_when override the module',
    playbook: play(`    - shell: echo ERROR; exit 0
      register: out
      failed_when: "'ERROR' in out.stdout"
      ignore_errors: true
    - shell: exit 3
      failed_when: false
      changed_when: false
`),
    first: { localhost: { ignored: 1, ok: 2, changed: 0 } },
  },
  {
    name: 'until retries a task until its condition holds',
    playbook: play(`    - shell: echo x >> {{ dir }}/tries; wc -l < {{ dir }}/tries
      register: n
      until: n.stdout | int >= 3
      retries: 5
      delay: 0
      changed_when: false
`),
    first: { localhost: { ok: 1 } },
    second: false,
    after: (dir) => assert.equal(readFileSync(join(dir, 'tries'), 'utf8'), 'x\nx\nx\n'),
  },
  {
    name: 'extra vars beat set_fact, set_fact beats play vars',
    playbook: play(
      `    - set_fact: { b: from_set_fact, c: from_set_fact }
    - assert:
        that:
          - a == 'from_play'
          - b == 'from_set_fact'
          - c == 'from_extra'
`,
      `  vars: { a: from_play, b: from_play, c: from_play }\n`,
    ),
    opts: { extraVars: { c: 'from_extra' } },
    first: { localhost: { ok: 2, failed: 0 } },
  },
  {
    name: 'include_tasks with a loop runs the file once per item',
    playbook: play(`    - include_tasks: inc.yml
      loop: [x, y]
`),
    files: { 'inc.yml': `- command: touch {{ dir }}/inc-{{ item }}\n  args: { creates: "{{ dir }}/inc-{{ item }}" }\n` },
    first: { localhost: { changed: 2, ok: 2 } },
    after: (dir) => assert.ok(existsSync(join(dir, 'inc-y'))),
  },
  {
    name: 'a role gets its defaults, vars and handlers',
    playbook: `- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: greet\n      who: world\n`,
    files: {
      'roles/greet/defaults/main.yml': 'greeting: hello\n',
      'roles/greet/tasks/main.yml': `- shell: echo "{{ greeting }} {{ who }}" > {{ dir }}/greet\n  args: { creates: "{{ dir }}/greet" }\n  notify: done\n`,
      'roles/greet/handlers/main.yml': `- name: done\n  debug: { msg: done }\n`,
    },
    first: { localhost: { changed: 1, ok: 2 } },
    second: { localhost: { changed: 0, ok: 1 } },
    after: (dir) => assert.equal(readFileSync(join(dir, 'greet'), 'utf8'), 'hello world\n'),
  },
  {
    name: "a role's argument spec stops the role before it runs",
    playbook: `- hosts: localhost\n  gather_facts: false\n  roles:\n    - role: needs\n      port: lots\n`,
    files: {
      'roles/needs/meta/argument_specs.yml': `argument_specs:\n  main:\n    options:\n      port: { type: int, required: true }\n`,
      'roles/needs/tasks/main.yml': `- command: touch {{ dir }}/ran\n`,
    },
    code: 2,
    first: { localhost: { failed: 1 } },
    second: false,
    after: (dir) => assert.ok(!existsSync(join(dir, 'ran'))),
  },
  {
    name: 'check mode skips commands and creates nothing',
    playbook: play(`    - command: touch {{ dir }}/never\n`),
    opts: { check: true },
    first: { localhost: { skipped: 1, changed: 0 } },
    second: false,
    after: (dir) => assert.ok(!existsSync(join(dir, 'never'))),
  },
  {
    name: 'a probe that verifies what the run makes is skipped in check mode, and its until is not retried',
    playbook: play(`    - smtp_probe: { host: 127.0.0.1, port: 2599, timeout: 1, verifies: true }
      register: probe
      until: probe.code == 220
      retries: 3
      delay: 5
`),
    opts: { check: true },
    first: { localhost: { skipped: 1, failed: 0 } },
    second: false,
  },
  {
    name: 'check mode predicts a file written into a folder an earlier task plans to make, and makes neither',
    playbook: play(`    - file: { path: "{{ dir }}/new/sub", state: directory, mode: "0700" }
    - copy: { content: "x", dest: "{{ dir }}/new/sub/f", mode: "0600" }
    - copy: { content: "y", dest: "{{ dir }}/new/g" }
`),
    opts: { check: true },
    first: { localhost: { changed: 3, failed: 0 } },
    second: false,
    after: (dir) => assert.ok(!existsSync(join(dir, 'new'))),
  },
  {
    name: "check mode decides creates/removes on a file an earlier task plans to write, as the run will",
    playbook: play(`    - copy: { content: "x", dest: "{{ dir }}/staged" }
    - command: cat {{ dir }}/staged
      args: { removes: "{{ dir }}/staged" }
    - command: touch {{ dir }}/never
      args: { creates: "{{ dir }}/staged" }
`),
    opts: { check: true },
    first: { localhost: { changed: 2, ok: 3, skipped: 0 } },
    second: false,
    after: (dir) => assert.ok(!existsSync(join(dir, 'staged'))),
  },
  {
    name: 'check mode still refuses a file into a folder nothing plans to make',
    playbook: play(`    - file: { path: "{{ dir }}/planned", state: directory }
    - copy: { content: "x", dest: "{{ dir }}/elsewhere/f" }
`),
    opts: { check: true },
    code: 2,
    first: { localhost: { changed: 1, failed: 1 } },
    second: false,
    events: (run) => assert.ok(run.events.some((e) => e.kind === 'task-result' && e.result.status === 'failed' && /Destination directory .*elsewhere does not exist/.test(e.result.msg ?? ''))),
  },
  {
    name: 'gathered facts are variables',
    playbook: `- hosts: localhost\n  tasks:\n    - assert:\n        that:\n          - ansible_hostname is defined\n          - ansible_facts.hostname == ansible_hostname\n`,
    first: { localhost: { ok: 2, failed: 0 } },
  },
  {
    name: 'serial batches and run_once work across several local hosts',
    inventory: `all:\n  hosts:\n    a: { tsplay_connection: local }\n    b: { tsplay_connection: local }\n    c: { tsplay_connection: local }\n`,
    playbook: `- hosts: all\n  gather_facts: false\n  serial: 2\n  tasks:\n    - shell: echo {{ inventory_hostname }} >> {{ dir }}/order\n      changed_when: false\n    - shell: echo once >> {{ dir }}/once\n      run_once: true\n      changed_when: false\n`,
    first: { a: { ok: 2 }, b: { ok: 2 }, c: { ok: 2 } },
    second: false,
    after: (dir) => {
      assert.deepEqual(readFileSync(join(dir, 'order'), 'utf8').trim().split('\n').sort(), ['a', 'b', 'c'])
      assert.equal(readFileSync(join(dir, 'once'), 'utf8'), 'once\nonce\n')
    },
  },
  {
    name: 'one host failing does not stop the others',
    inventory: `all:\n  hosts:\n    a: { tsplay_connection: local }\n    b: { tsplay_connection: local }\n`,
    playbook: `- hosts: all\n  gather_facts: false\n  tasks:\n    - fail: { msg: only a }\n      when: inventory_hostname == 'a'\n    - debug: { msg: next }\n`,
    code: 2,
    first: { a: { failed: 1, ok: 0 }, b: { ok: 1, skipped: 1 } },
  },
  {
    name: "a handler notified as 'role : name' runs",
    playbook: `- hosts: localhost\n  gather_facts: false\n  roles: [r]\n`,
    files: {
      'roles/r/tasks/main.yml': `- command: touch {{ dir }}/r\n  args: { creates: "{{ dir }}/r" }\n  notify: "r : H"\n`,
      'roles/r/handlers/main.yml': `- name: H\n  shell: echo ran >> {{ dir }}/handler\n`,
    },
    first: { localhost: { changed: 2 } },
    second: { localhost: { changed: 0 } },
    after: (dir) => assert.equal(readFileSync(join(dir, 'handler'), 'utf8'), 'ran\n'),
  },
  {
    name: '{{ omit }} leaves an argument out',
    playbook: play(`    - copy:
        content: "x"
        dest: "{{ dir }}/omitted"
        mode: "{{default wanted_mode omit}}"
`),
    first: { localhost: { changed: 1 } },
  },
  {
    name: 'a loop over an undefined variable is skipped when `when` is false without it',
    playbook: play(`    - debug: { msg: "{{ item }}" }
      loop: "{{ not_defined_here }}"
      when: not_defined_here is defined
`),
    first: { localhost: { skipped: 1, failed: 0 } },
  },
  {
    name: 'task names are templated with the host vars',
    playbook: play(`    - name: "say {{ word }}"\n      debug: { msg: hi }\n`, `  vars: { word: hello }\n`),
    first: { localhost: { ok: 1 } },
    events: (run) => assert.equal(run.results('say hello').length, 1),
  },
  {
    name: "import_role checks the role's argument spec with the import's vars",
    playbook: play(`    - import_role: { name: needs }\n      vars: { port: lots }\n`),
    files: {
      'roles/needs/meta/argument_specs.yml': `argument_specs:\n  main:\n    options:\n      port: { type: int, required: true }\n`,
      'roles/needs/tasks/main.yml': `- command: touch {{ dir }}/ran\n`,
    },
    code: 2,
    first: { localhost: { failed: 1 } },
    second: false,
    after: (dir) => assert.ok(!existsSync(join(dir, 'ran'))),
  },
  {
    name: 'meta end_host ends the host for its play only',
    playbook: `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - meta: end_host\n    - fail: { msg: not reached }\n- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: { msg: next play }\n`,
    first: { localhost: { ok: 1, failed: 0 } },
  },
  {
    name: "a block that the tags leave out is not entered, so its `when` is not read",
    playbook: play(`    - block:\n        - debug: { msg: x }\n      when: undefined_thing.rc == 0\n      tags: [other]\n    - debug: { msg: y }\n      tags: [this]\n`),
    opts: { tags: { only: ['this'], skip: [] } },
    first: { localhost: { ok: 1, failed: 0 } },
  },
  {
    name: 'retries and delay may be templates',
    playbook: play(`    - shell: echo x >> {{ dir }}/t; wc -l < {{ dir }}/t\n      register: n\n      until: n.stdout | int >= 2\n      retries: "{{ tries }}"\n      delay: "{{ pause }}"\n      changed_when: false\n`, `  vars: { tries: 3, pause: 0 }\n`),
    first: { localhost: { ok: 1 } },
    second: false,
  },
  {
    name: 'a failure message holding {{ }} reaches rescue as text, not as a template',
    playbook: play(`    - block:\n        - fail: { msg: "literal {{ '{{' }} braces" }\n      rescue:\n        - copy: { content: "{{ ansible_failed_result.msg }}", dest: "{{ dir }}/msg" }\n`),
    first: { localhost: { rescued: 1, failed: 0 } },
    second: false,
  },
  {
    name: 'a host lost inside a block still runs its rescue (a delegated rollback)',
    inventory: `all:\n  hosts:\n    gone: { tsplay_host: 127.0.0.1, tsplay_port: 1, tsplay_connect_timeout: 2 }\n`,
    playbook: `- hosts: gone\n  gather_facts: false\n  tasks:\n    - block:\n        - command: /bin/true\n      rescue:\n        - command: /bin/true\n        - shell: touch {{ dir }}/rolled-back\n          delegate_to: localhost\n`,
    code: 3,
    first: { gone: { unreachable: 1 } },
    second: false,
    after: (dir) => assert.ok(existsSync(join(dir, 'rolled-back'))),
  },
]

function assertCounts(actual: Record<string, HostStats>, expected: Record<string, Counts>, label: string): void {
  for (const [host, counts] of Object.entries(expected)) {
    for (const [k, v] of Object.entries(counts)) assert.equal(actual[host]?.[k as keyof HostStats], v, `${label}: ${host}.${k}`)
  }
}

for (const c of cases) {
  test(c.name, async () => {
    const dir = writeTree({ 'playbook.yml': c.playbook, ...(c.files ?? {}), ...(c.inventory ? { 'inventory/hosts.yml': c.inventory } : {}) })
    const opts = { ...c.opts, inventory: c.inventory ? join(dir, 'inventory') : undefined }
    const first = await runIn(dir, opts)
    const failures = first.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed').map((e) => (e.kind === 'task-result' ? e.result.msg : ''))
    assert.equal(first.code, c.code ?? 0, `exit code (failures: ${failures.join(' | ')})`)
    assertCounts(first.stats, c.first, 'first run')
    c.after?.(dir)
    c.events?.(first)
    if (c.second === false) return
    const second = await runIn(dir, opts)
    const expected = c.second ?? Object.fromEntries(Object.entries(c.first).map(([h, s]) => [h, { changed: 0, failed: s.failed ?? 0 }]))
    assertCounts(second.stats, expected, 'second run')
  })
}
