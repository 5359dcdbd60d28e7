// No secret reaches the user's screen: the complete output of real runs, in every output mode and
// verbosity, is searched for each vault value and password.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { createReporter } from '../../src/reporter/index.js'
import { encrypt } from '../../src/vault/cipher.js'
import { withVault } from '../../src/vault/session.js'
import { runIn, writeTree } from '../helpers/run-playbook.js'
import { sink } from '../reporter/fixtures.js'
import { PASSWORD, SECRET, session, vaultValue } from './helpers.js'

const cli = join(fileURLToPath(import.meta.url), '..', '..', '..', 'src', 'cli.js')
const BECOME = 'PlainBecomePw99'
const SMTP = 'smtp-Relay-Pass-77'

/** A mail host whose tasks do their best to print the secrets. */
function site(): string {
  return writeTree({
    'inv/hosts.yml': `all:\n  hosts:\n    mx1: { tsplay_connection: local, ansible_become_password: ${BECOME} }\n`,
    'inv/group_vars/all.yml': vaultValue('db_password', SECRET),
    'playbook.yml': `- hosts: mx1
  gather_facts: false
  tasks:
    - name: say it
      debug: msg="password is {{ db_password }}"
    - debug: var=db_password
    - name: echo it on both streams
      shell: echo "{{ db_password }}"; echo "{{ db_password }}" >&2
    - name: print it in two chunks, cut inside the secret
      shell: s='{{ db_password }}'; printf '%s' "\${s%%-Mailbox*}"; sleep 0.3; printf '%s\\n' "-Mailbox\${s#*-Mailbox}"
    - debug: msg="become {{ ansible_become_password }}"
    - name: fail, with the secret in stderr
      shell: echo "cannot log in as vmail/{{ db_password }}" >&2; exit 3
`,
    // A run-stopping error that quotes the secret (in a path it could not find).
    'bad.yml': `- hosts: mx1\n  gather_facts: false\n  tasks:\n    - include_tasks: "{{ db_password }}.yml"\n`,
    'extra.yml': encrypt(`smtp_password: ${SMTP}\n`, PASSWORD),
    'extra-play.yml': `- hosts: mx1\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ smtp_password }}"\n    - include_tasks: "{{ smtp_password }}.yml"\n`,
  })
}

function tsplay(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TSPLAY_VAULT_PASSWORD: PASSWORD, CI: 'true', NO_COLOR: '1' },
  })
  return { code: r.status, all: r.stdout + r.stderr }
}

function assertHidden(all: string, what: string): void {
  assert.ok(!all.includes(SECRET), `${what}: the vault value appears:\n${all}`)
  assert.ok(!all.includes(BECOME), `${what}: the become password appears:\n${all}`)
  // Not even the halves of a secret cut between two output chunks.
  assert.ok(!all.includes('-Mailbox-Pw!') && !all.includes('Sup3r-S3cret-Mail'), `${what}: part of the secret appears:\n${all}`)
}

for (const args of [[], ['-v'], ['-vv'], ['--json'], ['--json', '-vv']]) {
  test(`tsplay ${args.join(' ') || '(plain)'} never prints a secret, and the tasks really saw it`, () => {
    const dir = site()
    const r = tsplay(dir, ['playbook.yml', '-i', 'inv', ...args])
    assert.equal(r.code, 2, r.all)
    assertHidden(r.all, args.join(' '))
    assert.match(r.all, /\*{8}/)
    if (args.includes('-vv')) assert.match(r.all, /cannot log in as vmail\/\*{8}/)
  })
}

test('the terminal reporter never draws a secret', async () => {
  const dir = site()
  const s = session()
  const run = await withVault(s, () => runIn(dir, { inventory: join(dir, 'inv'), verbose: 2 }))
  assert.equal(run.code, 2)
  for (const verbose of [0, 1, 2]) {
    const out = sink()
    const r = createReporter({ mode: 'tty', verbose, diff: true, color: true, out: out.out, secrets: s.secrets })
    for (const e of run.events) r.on(e)
    await r.close()
    assertHidden(out.text(), `tty -v${verbose}`)
    assert.match(out.text(), /\*{8}/)
  }
})

test('an error message that quotes a secret is masked', () => {
  const dir = site()
  const r = tsplay(dir, ['bad.yml', '-i', 'inv'])
  // A missing include_tasks file fails the host at run time (exit 2), as in Ansible.
  assert.equal(r.code, 2, r.all)
  assert.match(r.all, /tasks file .*\/\*{8}\.yml does not exist/)
  assertHidden(r.all, 'error')
})

test('values of an encrypted -e @file are used and masked, in output and errors', () => {
  const dir = site()
  const r = tsplay(dir, ['extra-play.yml', '-i', 'inv', '-e', '@extra.yml', '-vv'])
  assert.equal(r.code, 2, r.all)
  assert.match(r.all, /"msg": "\*{8}"/)
  assert.ok(!r.all.includes(SMTP), r.all)
})
