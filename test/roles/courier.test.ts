// The courier role on the lab's `new` host (courier running, no mail users): the README example
// configures listen addresses and a setting, restarts and logs in over POP3 and IMAP; a second run
// changes nothing; --check changes no file; a wrong password fails clearly; TLS starts IMAPS/POP3S.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { labDown, labExec, labUp } from '../../src/lab/index.js'
import { defaultInventoryDir, projectRoot } from '../../src/lab/config.js'
import type { LabState } from '../../src/lab/types.js'
import type { RunEvent } from '../../src/events.js'
import { runIn, writeTree, type InlineRun } from '../helpers/run-playbook.js'
import { onHost } from './lab-play.js'

process.env.TSPLAY_ROLES_PATH = join(projectRoot(), 'roles')
const inventory = defaultInventoryDir()
let lab: LabState
let newIp = ''

/** The README's first yaml block: the example must work as written. */
const example = /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(projectRoot(), 'roles/courier/README.md'), 'utf8'))![1]!

const sh = onHost

/** The example with other role variables (same shape, so the README stays the reference). */
function play(vars: Record<string, unknown>): string {
  const lines = Object.entries(vars).map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`)
  return writeTree({ 'playbook.yml': ['- hosts: new', '  gather_facts: false', '  roles:', '    - role: courier', ...lines, ''].join('\n') })
}

const checked = { courier_check_user: 'alice', courier_check_password: 'alice-lab-pw' }
const configState = () => sh('new', 'cd /etc/courier && sha256sum authdaemonrc imapd pop3d imapd-ssl pop3d-ssl; find /etc /home/alice -newer /etc/hostname -printf "%p %T@\\n" | sort')

function failures(r: InlineRun): string {
  return JSON.stringify(r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed').map((e) => (e as Extract<RunEvent, { kind: 'task-result' }>).result))
}
function loginMessage(r: InlineRun): string {
  const res = r.results('courier : POP3 and IMAP logins succeed')[0]
  return String(res?.result.msg ?? res?.result.data?.msg ?? JSON.stringify(res?.result))
}

before(async () => {
  lab = await labUp({ mail: true, messagesPerUser: 1 })
  newIp = lab.hosts.find((h) => h.name === 'new')!.ip
  await sh('new', 'useradd -m -u 2001 -U alice && echo alice:alice-lab-pw | chpasswd && su alice -s /bin/sh -c "maildirmake ~/Maildir"')
})
after(async () => {
  await labDown()
})

test('--check --diff predicts the README example\'s changes and changes no file', async () => {
  const before = await configState()
  const r = await runIn(writeTree({ 'playbook.yml': example }), { inventory, check: true, diff: true })
  assert.equal(r.code, 0, failures(r))
  assert.ok(r.stats.new!.changed >= 3, `predicted ${r.stats.new!.changed}`)
  const diffs = r.results('courier : imapd settings (Maildir, listen address, port)')[0]!.result.items!.flatMap((i) => i.diff ?? [])
  assert.ok(diffs.some((d) => /^ADDRESS=0$/m.test(d.before) && new RegExp(`^ADDRESS=${newIp.replaceAll('.', '\\.')}$`, 'm').test(d.after)), JSON.stringify(diffs))
  assert.equal(await configState(), before)
  assert.equal(r.results('courier : POP3 and IMAP logins succeed')[0]?.result.status ?? 'skipped', 'skipped')
})

test('the README example configures, restarts and logs in; the second run changes nothing', async () => {
  const dir = writeTree({ 'playbook.yml': example })
  const t0 = Date.now()
  const first = await runIn(dir, { inventory })
  assert.equal(first.code, 0, failures(first))
  assert.ok(first.stats.new!.changed >= 3, `changed ${first.stats.new!.changed}`)
  assert.match(loginMessage(first), new RegExp(`POP3 ${newIp}:110: login as alice OK; IMAP ${newIp}:143: login as alice OK`))
  const t1 = Date.now()
  const second = await runIn(dir, { inventory })
  assert.equal(second.code, 0, failures(second))
  assert.equal(second.stats.new!.changed, 0)
  console.log(`# courier: first run ${t1 - t0} ms, second run ${Date.now() - t1} ms (changed=0)`)

  const conf = (file: string) => sh('new', `grep -E "^(ADDRESS|PORT|MAXPERIP|MAILDIRPATH|authmodulelist)=" /etc/courier/${file} | sort`)
  assert.equal(await conf('pop3d'), `ADDRESS=${newIp}\nMAILDIRPATH=Maildir\nMAXPERIP=8\nPORT=110\n`)
  assert.equal(await conf('imapd'), `ADDRESS=${newIp}\nMAILDIRPATH=Maildir\nMAXPERIP=20\nPORT=143\n`)
  assert.equal(await conf('authdaemonrc'), 'authmodulelist=authpam\n')
  // The restarted daemons listen on new's address only now.
  const refused = await labExec('new', ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/110'])
  assert.notEqual(refused.rc, 0)
})

test('a wrong password fails the login check with the server\'s answer and never shows the password', async () => {
  const r = await runIn(play({ courier_imap_address: newIp, courier_pop_address: newIp, courier_pop3d_settings: { MAXPERIP: 8 }, courier_check_user: 'alice', courier_check_password: 'Wr0ng-Secret' }), { inventory })
  assert.notEqual(r.code, 0)
  const msg = loginMessage(r)
  assert.match(msg, /mail login failed for alice/)
  assert.match(msg, /POP3 [\d.]+:110: login as alice refused: -ERR/)
  assert.match(msg, /IMAP [\d.]+:143: login as alice refused: a NO/)
  assert.doesNotMatch(JSON.stringify(r.events), /Wr0ng-Secret/)
})

test('an argument of the wrong type is refused before anything runs', async () => {
  const r = await runIn(play({ courier_imap_port: 'imap' }), { inventory })
  assert.notEqual(r.code, 0)
  assert.match(JSON.stringify(r.events), /courier_imap_port' must be integer/)
})

test('with courier_tls_cert, IMAPS and POP3S start with that certificate; the second run changes nothing', async () => {
  await sh('new', 'openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=new.example.test -keyout /etc/ssl/private/mail.key -out /etc/ssl/certs/mail.crt 2>/dev/null && cat /etc/ssl/private/mail.key /etc/ssl/certs/mail.crt > /etc/ssl/private/mail.pem')
  const vars = { courier_imap_address: newIp, courier_pop_address: newIp, courier_pop3d_settings: { MAXPERIP: 8 }, courier_tls_cert: '/etc/ssl/private/mail.pem', ...checked }
  const first = await runIn(play(vars), { inventory })
  assert.equal(first.code, 0, failures(first))
  assert.ok(first.stats.new!.changed >= 4)
  const second = await runIn(play(vars), { inventory })
  assert.equal(second.code, 0, failures(second))
  assert.equal(second.stats.new!.changed, 0)
  assert.equal((await sh('new', 'stat -c "%G %a" /etc/ssl/private/mail.pem')).trim(), 'courier 640')
  for (const [port, greeting] of [[993, /^\* OK/m], [995, /^\+OK/m]] as const) {
    const out = await sh('new', `sleep 1 | timeout 10 openssl s_client -connect ${newIp}:${port} -quiet -no_ign_eof 2>/dev/null | head -1; true`)
    assert.match(out, greeting, `port ${port}: ${out}`)
  }
  assert.match(await sh('new', `timeout 10 openssl s_client -connect ${newIp}:993 -no_ign_eof </dev/null 2>/dev/null | grep "subject="; true`), /CN ?= ?new\.example\.test/)
})
