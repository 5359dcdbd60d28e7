// The iptables-forward role on the lab: old forwards the mail ports to new (DNAT + MASQUERADE),
// client reaches new's postfix and courier through old's address, the report counts them, and
// `absent` removes exactly the tagged rules.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { labDown, labUp } from '../../src/lab/index.js'
import { defaultInventoryDir, projectRoot } from '../../src/lab/config.js'
import type { LabState } from '../../src/lab/types.js'
import { runIn, writeTree, type InlineRun } from '../helpers/run-playbook.js'
import { onHost } from './lab-play.js'

process.env.TSPLAY_ROLES_PATH = join(projectRoot(), 'roles')
const inventory = defaultInventoryDir()
let lab: LabState
let oldIp = ''
let newIp = ''

before(async () => {
  lab = await labUp({ mail: true, messagesPerUser: 2 })
  oldIp = lab.hosts.find((h) => h.name === 'old')!.ip
  newIp = lab.hosts.find((h) => h.name === 'new')!.ip
})
after(async () => {
  await labDown()
})

const sh = onHost

/** The rules of both tables without counters, to compare before/after. */
const rules = () => sh('old', 'iptables -t nat -S; iptables -t filter -S')

function play(vars: Record<string, unknown> = {}, tasksFrom?: string): string {
  const v = { forward_to: '{{ mail_new_ip }}', ...vars }
  const lines = Object.entries(v).map(([k, x]) => `        ${k}: ${JSON.stringify(x)}`)
  return writeTree({
    'playbook.yml': [
      '- hosts: old',
      '  gather_facts: false',
      '  tasks:',
      '    - import_role:',
      '        name: iptables-forward',
      ...(tasksFrom ? [`        tasks_from: ${tasksFrom}`] : []),
      '      vars:',
      ...lines,
      '',
    ].join('\n'),
  })
}

function changed(r: InlineRun): number {
  assert.equal(r.code, 0, JSON.stringify(r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed')))
  return r.stats.old!.changed
}

function reportLines(r: InlineRun): string[] {
  const res = r.results('iptables-forward : Connections still arriving at the old address')[0]!
  return res.result.data.msg as string[]
}

test('--check on a fresh host predicts the forward and changes no rule and no sysctl', async () => {
  const before = await rules()
  const r = await runIn(play({ forward_persist: true }), { inventory, check: true, diff: true })
  assert.ok(changed(r) >= 5, `check predicted ${r.stats.old!.changed} changes`)
  assert.equal(await rules(), before)
  assert.equal((await sh('old', 'sysctl -n net.ipv4.ip_forward')).trim(), '0')
  assert.equal((await sh('old', 'ls /etc/sysctl.d/90-tsplay-forward.conf /etc/iptables 2>&1 || true')).includes('No such file'), true)
})

test('first run adds the forward (with --diff showing the rules), second run changes nothing', async () => {
  const dir = play({ forward_persist: true })
  const t0 = Date.now()
  const first = await runIn(dir, { inventory, diff: true })
  assert.ok(changed(first) >= 5)
  const dnat = first.results('iptables-forward : DNAT each mail port to the new server, except from forward_except')[0]!
  const diffs = (dnat.result.items ?? []).flatMap((i) => i.diff ?? [])
  assert.ok(diffs.some((d) => /--dport 25 .*--comment tsplay-forward -j DNAT --to-destination/.test(d.after) && !/--dport 25 /.test(d.before)))
  const t1 = Date.now()
  const second = await runIn(dir, { inventory })
  assert.equal(changed(second), 0)
  console.log(`# first run ${t1 - t0} ms, second run ${Date.now() - t1} ms (changed=0)`)

  const nat = await sh('old', 'iptables -t nat -S')
  for (const p of [25, 110, 143, 465, 587, 993, 995]) {
    assert.match(nat, new RegExp(`-A PREROUTING ! -s ${newIp}/32 -p tcp -m tcp --dport ${p} -m comment --comment tsplay-forward -j DNAT --to-destination ${newIp}`))
  }
  assert.match(nat, new RegExp(`-A POSTROUTING -d ${newIp}/32 -m comment --comment tsplay-forward -j MASQUERADE`))
  assert.equal((await sh('old', 'iptables -S FORWARD | grep -c tsplay-forward')).trim(), '2')
  assert.equal((await sh('old', 'sysctl -n net.ipv4.ip_forward')).trim(), '1')
  assert.match(await sh('old', 'cat /etc/sysctl.d/90-tsplay-forward.conf'), /net\.ipv4\.ip_forward\s*=\s*1/)
  // The persisted file holds exactly the role's rules and iptables-restore accepts it.
  await sh('old', 'iptables-restore --test --noflush < /etc/iptables/tsplay-forward.rules')
})

test('with postfix stopped on old, SMTP and POP3 to old\'s address reach new, and the report counts them', async () => {
  await sh('old', '/etc/init.d/postfix stop >/dev/null')
  const banner = await sh('client', `exec 3<>/dev/tcp/${oldIp}/25; timeout 5 head -1 <&3; echo QUIT >&3`)
  assert.match(banner, /^220 new\.example\.test /)
  // new has no mail users yet: alice's login fails there, while old's own courier would accept it.
  const pop = await sh(
    'client',
    `exec 3<>/dev/tcp/${oldIp}/110; read -t 5 -r g <&3; echo "$g"; printf 'USER alice\\r\\n' >&3; read -t 5 -r u <&3; echo "$u";` +
      ` printf 'PASS alice-lab-pw\\r\\n' >&3; read -t 10 -r p <&3; echo "$p"; printf 'QUIT\\r\\n' >&3`,
  )
  assert.match(pop, /^\+OK/)
  assert.match(pop.split('\n')[2] ?? '', /^-ERR/, pop)
  // A second connection, counted too.
  assert.match(await sh('client', `exec 3<>/dev/tcp/${oldIp}/110; read -t 5 -r g <&3; echo "$g"; printf 'QUIT\\r\\n' >&3`), /^\+OK/)

  const report = await runIn(play({}, 'report'), { inventory })
  assert.equal(changed(report), 0)
  const lines = reportLines(report)
  const count = (port: number) => Number(new RegExp(`^port ${port}: (\\d+) connection`).exec(lines.find((l) => l.startsWith(`port ${port}:`)) ?? '')?.[1])
  assert.ok(count(25) >= 1, lines.join('\n'))
  assert.ok(count(110) >= 2, lines.join('\n'))
  assert.equal(count(143), 0)
  await sh('old', '/etc/init.d/postfix start >/dev/null')
})

test('forward_state absent removes exactly the tagged rules (also stale ones) and leaves the others', async () => {
  await sh('old', `iptables -t nat -A PREROUTING -p tcp --dport 2525 -j DNAT --to-destination ${newIp}:25`)
  await sh('old', 'iptables -A FORWARD -p udp -m comment --comment unrelated -j ACCEPT')
  // A tagged rule from an earlier run with another port list.
  await sh('old', `iptables -t nat -A PREROUTING -p tcp --dport 4190 -m comment --comment tsplay-forward -j DNAT --to-destination ${newIp}`)

  const dir = play({ forward_state: 'absent' })
  const before = await rules()
  const check = await runIn(dir, { inventory, check: true })
  assert.ok(changed(check) >= 4)
  assert.equal(await rules(), before)

  const first = await runIn(dir, { inventory })
  assert.ok(changed(first) >= 5)
  const after = await rules()
  assert.doesNotMatch(after, /tsplay-forward/)
  assert.match(after, /--dport 2525 -j DNAT/)
  assert.match(after, /--comment unrelated -j ACCEPT/)
  assert.equal((await sh('old', 'ls /etc/iptables/tsplay-forward.rules 2>/dev/null || echo gone')).trim(), 'gone')
  assert.doesNotMatch(await sh('old', 'cat /etc/sysctl.d/90-tsplay-forward.conf 2>/dev/null || true'), /ip_forward/)
  assert.equal(changed(await runIn(dir, { inventory })), 0)
})

test('the README example works as written', async () => {
  const readme = readFileSync(join(projectRoot(), 'roles/iptables-forward/README.md'), 'utf8')
  const example = /## Example\n\n```yaml\n([\s\S]*?)```/.exec(readme)![1]!
  const r = await runIn(writeTree({ 'playbook.yml': example }), { inventory })
  assert.equal(changed(r), 4) // sysctl, DNAT, MASQUERADE, FORWARD
  assert.match(reportLines(r)[0]!, /^port 25: 0 connection\(s\), 0 bytes forwarded to /)
  assert.ok(changed(await runIn(play({ forward_state: 'absent' }), { inventory })) >= 4)
})

test('a missing forward_to or a tag with spaces is refused before anything changes', async () => {
  const before = await rules()
  const missing = await runIn(writeTree({ 'playbook.yml': '- hosts: old\n  gather_facts: false\n  roles: [iptables-forward]\n' }), { inventory })
  assert.notEqual(missing.code, 0)
  const v = missing.results('iptables-forward : validate arguments')[0]!
  assert.match(v.result.msg ?? '', /forward_to/)
  const badTag = await runIn(play({ forward_comment_tag: 'two words' }), { inventory })
  assert.notEqual(badTag.code, 0)
  assert.match(badTag.results('iptables-forward : Check the forward settings')[0]!.result.msg ?? '', /forward_comment_tag must be one word/)
  assert.equal(await rules(), before)
})
