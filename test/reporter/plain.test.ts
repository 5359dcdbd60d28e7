// The plain reporter prints what ansible-playbook prints, line for line.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RunEvent } from '../../src/events.js'
import { createReporter, HIDDEN_MSG } from '../../src/reporter/index.js'
import { mailRun, pos, result, sink, strip } from './fixtures.js'

async function run(events: RunEvent[], opts: { verbose?: number; diff?: boolean; color?: boolean } = {}) {
  const s = sink()
  const r = createReporter({ mode: 'plain', verbose: opts.verbose ?? 0, diff: opts.diff ?? false, color: opts.color ?? false, out: s.out })
  for (const e of events) r.on(e)
  await r.close()
  return s.text()
}

const task = (name: string, extra: Partial<Extract<RunEvent, { kind: 'task-start' }>> = {}): RunEvent => ({
  kind: 'task-start', name, pos: pos(3), hosts: ['mx1'], handler: false, ...extra,
})
const res = (r: ReturnType<typeof result>, extra: Partial<Extract<RunEvent, { kind: 'task-result' }>> = {}): RunEvent => ({
  kind: 'task-result', host: 'mx1', task: 't', pos: pos(3), result: r, ...extra,
})

test('a whole run reads like ansible-playbook output', async () => {
  const text = await run(mailRun(), { diff: true })
  assert.equal(
    text,
    `
PLAY [mail servers] ${'*'.repeat(60)}

TASK [postfix : postfix main.cf] ${'*'.repeat(47)}
--- before: /etc/postfix/main.cf
+++ after: /etc/postfix/main.cf
@@ -1,2 +1,2 @@
 a = 1
-b = 2
+b = 3
changed: [mx1]
ok: [mx2]

TASK [sync mailboxes] ${'*'.repeat(58)}
changed: [mx1]
fatal: [mx2]: FAILED! => Command failed with exit code 23: rsync -a /var/mail/ mx3:/var/mail/
  stderr: |
    rsync: connection unexpectedly closed
[WARNING]: mx2 is no longer in the play after a failure

RUNNING HANDLER [postfix : restart postfix] ${'*'.repeat(36)}
changed: [mx1]

PLAY RECAP ${'*'.repeat(69)}
mx1                        : ok=3    changed=3    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0
mx2                        : ok=1    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0

`,
  )
})

test('banners are padded with stars to 80 columns', async () => {
  const text = await run([task('x')])
  assert.equal(text.split('\n')[1]!.length, 80)
})

test('diffs are not printed without --diff', async () => {
  const text = await run(mailRun(), { diff: false })
  assert.doesNotMatch(text, /before:/)
})

test('-v shows the no-change reason and stdout; default verbosity does not', async () => {
  const events = [task('t'), res(result('ok', { msg: 'line already present', data: { stdout: 'hello\n' } }))]
  assert.doesNotMatch(await run(events), /already present|hello/)
  assert.match(await run(events, { verbose: 1 }), /ok: \[mx1\] => line already present\n  stdout: \|\n    hello\n/)
})

test('-v in check mode lists the commands that would run', async () => {
  const text = await run([task('t'), res(result('changed', { planned: ['useradd alice', 'chpasswd'] }))], { verbose: 1 })
  assert.match(text, /changed: \[mx1\]\n    would run: useradd alice\n    would run: chpasswd\n/)
})

test('a debug message is shown pretty-printed at every verbosity', async () => {
  const text = await run([task('t'), res(result('ok', { data: { msg: 'migrating 42 mailboxes' } }))])
  assert.match(text, /ok: \[mx1\] => \{\n {4}"msg": "migrating 42 mailboxes"\n\}\n/)
})

test('skipped, unreachable and delegated results use Ansible wording', async () => {
  const text = await run([
    task('t'),
    res(result('skipped', { msg: 'when was false' })),
    res(result('unreachable', { msg: 'ssh: connect to host mx9 port 22: Connection refused' }), { host: 'mx9' }),
    res(result('ok'), { delegatedTo: 'localhost' }),
  ])
  assert.match(text, /^skipping: \[mx1\]$/m)
  assert.match(text, /^fatal: \[mx9\]: UNREACHABLE! => ssh: connect to host mx9 port 22: Connection refused$/m)
  assert.match(text, /^ok: \[mx1 -> localhost\]$/m)
})

test('an ignored failure is followed by ...ignoring', async () => {
  const text = await run([task('t'), res(result('failed', { msg: 'no such user', ignored: true }))])
  assert.match(text, /fatal: \[mx1\]: FAILED! => no such user\n\.\.\.ignoring\n/)
})

test('loop items print one line each, and the task line only when the loop failed', async () => {
  const items = [
    { ...result('changed'), item: { name: 'alice' }, label: 'alice' },
    { ...result('ok'), item: { name: 'bob' }, label: 'bob' },
    { ...result('failed', { msg: 'quota exceeded' }), item: { name: 'carol' }, label: 'carol' },
  ]
  const ok = await run([task('t'), res(result('changed', { items: items.slice(0, 2) }))])
  assert.equal(ok.split('\n').slice(2).join('\n'), 'changed: [mx1] => (item=alice)\nok: [mx1] => (item=bob)\n')
  const failed = await run([task('t'), res(result('failed', { msg: 'One or more items failed', items }))])
  assert.match(failed, /failed: \[mx1\] \(item=carol\) => quota exceeded\nfatal: \[mx1\]: FAILED! => One or more items failed\n/)
})

test('no_log shows only the status and the hidden message, never data, diff or stdout', async () => {
  const secret = 'hunter2'
  const events: RunEvent[] = [
    task('t'),
    res(result('failed', { msg: `bad password ${secret}`, data: { stderr: secret }, diff: [{ path: '/etc/shadow', before: '', after: secret }] }), { noLog: true }),
    res(result('changed', { items: [{ ...result('changed'), item: secret, label: secret }] }), { noLog: true, host: 'mx2' }),
    res(result('ok', { data: { msg: secret } }), { noLog: true, host: 'mx3' }),
  ]
  const text = await run(events, { verbose: 2, diff: true })
  assert.doesNotMatch(text, /hunter2|shadow/)
  assert.match(text, new RegExp(`fatal: \\[mx1\\]: FAILED! => ${HIDDEN_MSG.replace(/[()']/g, '.')}\n`))
  assert.match(text, /changed: \[mx2\] => \(item=None\)/)
  assert.match(text, /^ok: \[mx3\] => the output has been hidden/m)
})

test('live output appears at -vv as whole lines, even when chunks split a line', async () => {
  const events: RunEvent[] = [
    task('t'),
    { kind: 'output', host: 'mx1', task: 't', stream: 'stdout', chunk: 'copying ali' },
    { kind: 'output', host: 'mx1', task: 't', stream: 'stderr', chunk: 'slow link\n' },
    { kind: 'output', host: 'mx1', task: 't', stream: 'stdout', chunk: 'ce\ncopying b' },
    res(result('changed')),
  ]
  assert.doesNotMatch(await run(events, { verbose: 1 }), /copying/)
  const text = await run(events, { verbose: 2 })
  assert.match(text, /<mx1> stderr: slow link\n<mx1> stdout: copying alice\n<mx1> stdout: copying b\nchanged: \[mx1\]\n/)
})

test('messages are printed as-is and warnings name their place', async () => {
  const text = await run([
    { kind: 'message', text: 'Vault password accepted' },
    { kind: 'warning', message: 'module "apt" is deprecated', pos: pos(12) },
  ])
  assert.equal(text, 'Vault password accepted\n[WARNING]: module "apt" is deprecated (site.yml:12:7)\n')
})

test('a play matching no hosts says so', async () => {
  const text = await run([{ kind: 'play-start', name: 'backup mx', hosts: [], pos: pos(1) }])
  assert.match(text, /skipping: no hosts matched/)
})

test('colors follow Ansible: green ok, yellow changed, red failed, cyan skipped; none when off', async () => {
  const events = [task('t'), res(result('ok')), res(result('changed')), res(result('failed', { msg: 'x' })), res(result('skipped'))]
  const text = await run(events, { color: true })
  assert.match(text, /\x1b\[32mok: \[mx1\]\x1b\[0m/)
  assert.match(text, /\x1b\[33mchanged: \[mx1\]\x1b\[0m/)
  assert.match(text, /\x1b\[31mfatal: \[mx1\]: FAILED! => x\x1b\[0m/)
  assert.match(text, /\x1b\[36mskipping: \[mx1\]\x1b\[0m/)
  assert.equal(strip(text), await run(events, { color: false }))
  assert.doesNotMatch(await run(events), /\x1b/)
})

test('debug var= shows the variable by name, as Ansible does', async () => {
  const text = await run([task('t'), res(result('ok', { msg: 'users: ["alice"]', data: { users: ['alice'] } }))])
  assert.match(text, /ok: \[mx1\] => \{\n {4}"users": \[\n {8}"alice"\n {4}\]\n\}\n/)
})

test('a role already named in the task name is not repeated', async () => {
  const text = await run([task('postfix : reload', { role: 'postfix' })])
  assert.match(text, /^TASK \[postfix : reload\] \*/m)
})
