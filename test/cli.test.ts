// The CLI as a user meets it: exit codes, help, clean errors, listings and JSON output.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { rmSync } from 'node:fs'
import { writeTree } from './helpers/run-playbook.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = join(root, 'dist', 'src', 'cli.js')
const tsplay = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env }, cwd: root })

test('--help lists the Ansible-like options and exits 0', () => {
  const r = tsplay(['--help'])
  assert.equal(r.status, 0)
  for (const flag of ['--check', '--diff', '--limit', '--tags', '--skip-tags', '--extra-vars', '--forks', '--start-at-task', '--list-tasks', '--list-hosts', '--syntax-check', '--json']) assert.match(r.stdout, new RegExp(flag))
})

test('--version prints the version', () => {
  const r = tsplay(['--version'])
  assert.equal(r.status, 0)
  assert.match(r.stdout, /^\d+\.\d+\.\d+/)
})

test('an unknown option exits 5', () => {
  const r = tsplay(['playbooks/hello.yml', '--chek'])
  assert.equal(r.status, 5)
  assert.match(r.stderr, /unknown option/)
})

test('a lab id that is not 0-99 is a clean options error, exit 5', () => {
  const r = tsplay(['lab', 'status'], { TSPLAY_LAB_ID: 'abc' })
  assert.equal(r.status, 5, r.stderr)
  assert.match(r.stderr, /TSPLAY_LAB_ID must be a whole number 0-99, got 'abc'/)
  assert.doesNotMatch(r.stderr, /unexpected error|^\s+at /m)
})

test('a playbook error prints file:line:col, the offending line and no stack, exit 4', () => {
  const dir = writeTree({ 'pb.yml': '- hosts: localhost\n  tasks:\n    - name: typo\n      debugg: { msg: hi }\n' })
  const r = tsplay([join(dir, 'pb.yml')])
  assert.equal(r.status, 4)
  assert.match(r.stderr, /pb\.yml:4:7/)
  assert.match(r.stderr, /debugg/)
  assert.match(r.stderr, /Did you mean 'debug'/)
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/)
})

test('--syntax-check loads everything and runs nothing', () => {
  const r = tsplay(['playbooks/hello.yml', '--syntax-check'])
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /playbook: playbooks\/hello.yml/)
})

test('--list-tasks shows task names with their tags, filtered by --tags', () => {
  const r = tsplay(['playbooks/hello.yml', '--list-tasks', '--tags', 'read'])
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /Look at it\s+TAGS: \[read\]/)
  assert.doesNotMatch(r.stdout, /Write the greeting/)
})

test('--json prints one parseable event per line ending with run-end', () => {
  const dir = writeTree({ 'pb.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n' })
  const r = tsplay([join(dir, 'pb.yml'), '--json'])
  assert.equal(r.status, 0, r.stderr)
  const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l))
  assert.equal(events.at(-1).kind, 'run-end')
  assert.ok(events.some((e) => e.kind === 'task-result' && e.host === 'localhost'))
})

test('plain output shows PLAY, TASK and the recap, and --check changes nothing', () => {
  const dir = writeTree({ 'pb.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: make it\n      command: touch ${'{{ dir }}'}/x\n` })
  const r = tsplay([join(dir, 'pb.yml'), '--check', '-e', `dir=${dir}`])
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /PLAY \[/)
  assert.match(r.stdout, /TASK \[make it\]/)
  assert.match(r.stdout, /PLAY RECAP/)
  assert.match(r.stdout, /localhost\s+: ok=0\s+changed=0/)
})

test('a failed host exits 2 and says why', () => {
  const dir = writeTree({ 'pb.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - command: /bin/false\n' })
  const r = tsplay([join(dir, 'pb.yml')])
  assert.equal(r.status, 2)
  assert.match(r.stdout, /Command failed with exit code 1/)
})

test('tsplay compat lists every load refusal and every unknown filter, test or lookup, with file:line:col and a count by kind', () => {
  const dir = writeTree({
    'pb.yml': `- hosts: localhost
  order: sorted
  tasks:
    - no_such_module:
    - debug: { msg: "{{ x | frobnicate }}" }
      when: y is shiny
    - debug: { msg: "{{ lookup('redis', 'k') }} {{ join users ' ' }}" }
    - debug: { msg: "{{ x | default('ok') if y else z }}" }
`,
  })
  try {
    const r = tsplay(['compat', join(dir, 'pb.yml')])
    assert.equal(r.status, 4)
    const pb = join(dir, 'pb.yml')
    for (const line of [`${pb}:2:3: 'order'`, `${pb}:4:7: unknown module 'no_such_module'`, `${pb}:5:14: unknown filter 'frobnicate'`, `${pb}:6:13: unknown test 'shiny'`, `${pb}:7:14: unknown lookup 'redis'`]) {
      assert.ok(r.stdout.includes(line), `missing ${line} in\n${r.stdout}`)
    }
    assert.match(r.stdout, /5 things tsplay would not run:/)
    assert.equal(tsplay(['compat', 'playbooks/hello.yml']).status, 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('--syntax-check names every refusal at once, not the first alone', () => {
  const dir = writeTree({ 'pb.yml': '- hosts: localhost\n  tasks:\n    - pingg:\n    - debug: { msg: hi }\n      whenn: x\n' })
  try {
    const r = tsplay([join(dir, 'pb.yml'), '--syntax-check'])
    assert.equal(r.status, 4)
    assert.match(r.stderr, /2 things in this playbook tsplay would not run/)
    assert.match(r.stderr, /pb\.yml:3:7: unknown module 'pingg'/)
    assert.match(r.stderr, /pb\.yml:5:7: unknown task keyword 'whenn'/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
