// Hostile values end to end through the CLI, over the local transport and over a real sshd: they
// reach every module as data, never as shell code (no sentinel file appears), and come out exact.
import assert from 'node:assert/strict'
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createUser, makeKey, readPub, startSshd, type Sshd, type TestUser } from '../helpers/sshd.js'
import { stackTraceIn, tsplay } from './cli.js'

delete process.env['SSH_AUTH_SOCK']

/** Every hostile string tries to create a file called `pwned` (relative: in the cwd of whatever runs it). */
const NAMES = [
  'two words', "it's", 'dq"x', '$(touch pwned)', '`touch pwned`', '; touch pwned', '| touch pwned', '&& touch pwned',
  '-rf', '--help', '*', '?[a-z]*', '${IFS}touch${IFS}pwned', '> pwned', 'back\\slash', 'tab\tx', 'ünïcødé', '{ 7*7 }',
  "'; touch pwned; '", '"; touch pwned; "', '$HOME', '~root', '#comment', 'a\nb; touch pwned',
]
const LONG = 'x'.repeat(100 * 1024) + ' $(touch pwned) `touch pwned`'
const VALUES = [...NAMES, LONG, '/tmp/$(touch pwned)', 'line1\nline2 ; touch pwned']

/** Data on the target that looks like a template: it must stay text after register. */
const TEMPLATE_DATA = '{{ 7*7 }} {{ evil_e }} {{#each names}}x{{/each}}'

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - name: command argv
      command: { argv: [printf, '%s', '{{ item }}'] }
      loop: "{{ values }}"
      loop_control: { label: "{{ ansible_loop.index0 }}", extended: true }
      register: cmd
    - name: command output is exact
      assert: { that: "x.stdout == x.item" }
      loop: "{{ cmd.results }}"
      loop_control: { loop_var: x, label: "{{ ansible_loop.index0 }}", extended: true }
    - name: shell with quote
      shell: "printf '%s' {{ quote item }}"
      loop: "{{ values }}"
      loop_control: { label: "{{ ansible_loop.index0 }}", extended: true }
      register: sh
    - name: shell output is exact
      assert: { that: "x.stdout == x.item" }
      loop: "{{ sh.results }}"
      loop_control: { loop_var: x, label: "{{ ansible_loop.index0 }}", extended: true }
    - name: out dir
      file: { path: "{{ out }}", state: directory }
    - name: copy to hostile names
      copy: { content: "{{ item }}", dest: "{{ out }}/c-{{ item }}" }
      loop: "{{ names }}"
    - name: copy again is unchanged
      copy: { content: "{{ item }}", dest: "{{ out }}/c-{{ item }}" }
      loop: "{{ names }}"
      register: again
    - name: nothing changed the second time
      assert: { that: "not (again is changed)" }
    - name: long content
      copy: { content: "{{ item }}", dest: "{{ out }}/v-{{ ansible_loop.index0 }}" }
      loop: "{{ values }}"
      loop_control: { label: "{{ ansible_loop.index0 }}", extended: true }
    - name: directories
      file: { path: "{{ out }}/d-{{ item }}", state: directory, mode: "0750" }
      loop: "{{ names }}"
    - name: lines
      lineinfile: { path: "{{ out }}/lines", line: "{{ item }}", create: true }
      loop: "{{ names }}"
      when: "'\\n' not in item"
    - name: template
      template: { src: t.hbs, dest: "{{ out }}/t-{{ item }}" }
      loop: "{{ names }}"
    - name: stat
      stat: { path: "{{ out }}/c-{{ item }}" }
      loop: "{{ names }}"
      register: st
    - name: every file is there
      assert: { that: "x.stat.exists and x.stat.size > 0" }
      loop: "{{ st.results }}"
      loop_control: { loop_var: x, label: "{{ x.item }}" }
    - name: print registered and extra values
      debug: { msg: "{{ evil_e }} {{ host_evil }} {{ inventory_hostname }} {{ cmd.results.[3].stdout }}" }
    - name: extra var as an argument
      command: { argv: [printf, '%s', '{{ evil_e }}'] }
      register: ev
    - assert: { that: "ev.stdout == evil_e" }
    - name: read a target file holding template syntax
      command: { argv: [cat, "{{ tplfile }}"] }
      register: tp
    - name: registered data is never rendered again
      debug: { msg: "REGISTERED<{{ tp.stdout }}>" }
    - copy: { content: "{{ tp.stdout }}", dest: "{{ out }}/from-registered" }
`

function setup(hosts: Record<string, Record<string, unknown>>): { dir: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-hostile-'))
  const out = join(dir, 'out dir $(touch pwned)')
  writeFileSync(join(dir, 'playbook.yml'), PLAYBOOK)
  writeFileSync(join(dir, 't.hbs'), 'value={{ item }}\n')
  writeFileSync(join(dir, 'tpl.txt'), TEMPLATE_DATA)
  writeFileSync(join(dir, 'vars.json'), JSON.stringify({ names: NAMES, values: VALUES, out, tplfile: join(dir, 'tpl.txt') }))
  writeFileSync(join(dir, 'hosts.yml'), JSON.stringify({ all: { hosts } }))
  return { dir, out }
}

async function runHostile(dir: string): Promise<void> {
  const r = await tsplay(['playbook.yml', '-i', 'hosts.yml', '-e', '@vars.json', '-e', '{"evil_e": "$(touch pwned) `touch pwned` ; touch pwned"}'], { cwd: dir, timeoutMs: 240_000 })
  assert.equal(stackTraceIn(r.stderr), undefined, r.stderr)
  assert.equal(r.code, 0, `${r.stdout.slice(-4000)}\n${r.stderr}`)
  assert.match(r.stdout, /\$\(touch pwned\) `touch pwned` ; touch pwned/)
  assert.ok(r.stdout.includes(`REGISTERED<${TEMPLATE_DATA}>`), 'registered output was rendered as a template')
}

function assertNoSentinel(places: string[]): void {
  for (const p of places) assert.equal(existsSync(join(p, 'pwned')), false, `a hostile string ran: ${join(p, 'pwned')} exists`)
}

function assertFiles(out: string): void {
  for (const n of NAMES) {
    assert.equal(readFileSync(join(out, `c-${n}`), 'utf8'), n, `copy of ${JSON.stringify(n)}`)
    assert.equal(readFileSync(join(out, `t-${n}`), 'utf8'), `value=${n}\n`, `template of ${JSON.stringify(n)}`)
    const d = statSync(join(out, `d-${n}`))
    assert.ok(d.isDirectory() && (d.mode & 0o777) === 0o750, `directory ${JSON.stringify(n)}`)
  }
  VALUES.forEach((v, i) => assert.equal(readFileSync(join(out, `v-${i}`), 'utf8'), v, `content #${i}`))
  assert.deepEqual(readFileSync(join(out, 'lines'), 'utf8').split('\n').slice(0, -1), NAMES.filter((n) => !n.includes('\n')))
  // No stray files: only what the playbook made (no temp names, no `pwned`).
  assert.equal(readFileSync(join(out, 'from-registered'), 'utf8'), TEMPLATE_DATA)
  assert.equal(readdirSync(out).length, NAMES.length * 3 + VALUES.length + 2)
}

describe('hostile strings over the local transport', () => {
  let dir = ''
  after(() => rmSync(dir, { recursive: true, force: true }))
  it('never execute, and every module gets them exactly right', async () => {
    const s = setup({ 'evil host; touch pwned $(touch pwned)': { tsplay_connection: 'local', host_evil: '`touch pwned`$(touch pwned)' } })
    dir = s.dir
    await runHostile(dir)
    assertNoSentinel([dir, s.out, process.cwd(), '/root', '/'])
    assertFiles(s.out)
  })
})

describe('hostile strings over ssh (a real sshd on 127.0.0.1)', () => {
  let sshd: Sshd
  let user: TestUser
  let dir = ''
  let out = ''
  before(async () => {
    // A plain user with /bin/sh: the session runs no shell start-up files of this machine's root.
    user = createUser('tsplay-hostile')
    sshd = await startSshd()
    const s = setup({})
    dir = s.dir
    out = s.out
    chmodSync(dir, 0o755)
    execFileSync('chown', ['-R', user.name, dir])
    const key = makeKey(dir, 'id')
    sshd.authorize(user.name, readPub(key))
    writeFileSync(join(dir, 'kh'), sshd.knownHostsLine + '\n')
    writeFileSync(join(dir, 'hosts.yml'), JSON.stringify({ all: { hosts: { 'target;touch pwned': {
      tsplay_host: '127.0.0.1', tsplay_port: sshd.port, tsplay_user: user.name, tsplay_private_key_file: key,
      tsplay_known_hosts: join(dir, 'kh'), tsplay_ssh_config: '/dev/null', host_evil: '$(touch pwned)"; touch pwned',
    } } } }))
  })
  after(async () => {
    await sshd?.stop()
    rmSync(dir, { recursive: true, force: true })
    user?.remove()
  })
  it('never execute, and every module gets them exactly right', async () => {
    await runHostile(dir)
    assertNoSentinel([dir, out, process.cwd(), '/root', '/', user.home])
    assertFiles(out)
  })
})
