// The migration's forward, for real, in three namespaces (client → old → new): iptables sets up
// DNAT + MASQUERADE on old, wait_for and smtp_probe on the client reach the new server through it,
// and iptables_facts on old counts those connections per port.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Connection } from '../../../src/connection/connection.js'
import { createNetns, fakeSmtpArgs, link, waitForOutput, type Netns } from '../../helpers/netns.js'
import { runner } from '../real-run.js'

let client: Netns
let old: Netns
let fresh: Netns
before(async () => {
  client = createNetns('client')
  old = createNetns('old')
  fresh = createNetns('new')
  link(client, '10.77.1.2/24', old, '10.77.1.1/24')
  link(old, '10.77.2.1/24', fresh, '10.77.2.2/24')
  // DNAT to another host is routing: old must forward (per namespace).
  old.run('sysctl', '-qw', 'net.ipv4.ip_forward=1')
  const smtp = fresh.spawn(fakeSmtpArgs('10.77.2.2', 25, 'new.example ESMTP fake'))
  await waitForOutput(smtp, 'ready')
})
after(() => {
  for (const ns of [client, old, fresh]) ns?.remove()
})

const run = (conn: Connection, name: string, args: Record<string, unknown>) => runner({ conn })(name, args)

test('DNAT + MASQUERADE on old make its port 25 answer with the new server, counted per port', async () => {
  const forward = { table: 'nat', chain: 'PREROUTING', protocol: 'tcp', destination: '10.77.1.1', destination_port: 25, jump: 'DNAT', to_destination: '10.77.2.2:25', comment: 'smtp to new' }
  const masq = { table: 'nat', chain: 'POSTROUTING', protocol: 'tcp', destination: '10.77.2.2', destination_port: 25, jump: 'MASQUERADE', comment: 'replies via old' }
  for (const args of [forward, masq]) assert.equal((await run(old.conn, 'iptables', args)).status, 'changed')

  // Before the forward, nothing listens on old:25; now the client sees the new banner there.
  const up = await run(client.conn, 'wait_for', { host: '10.77.1.1', port: 25, search_regex: '^220 (\\S+) ESMTP', timeout: 10, sleep: 0.2 })
  assert.equal(up.status, 'ok', up.msg)
  assert.deepEqual(up.data.match_groups, ['new.example'])
  const probe = await run(client.conn, 'smtp_probe', { host: '10.77.1.1', expect_banner: 'new\\.example', rcpt_to: 'postmaster@example.org' })
  assert.equal(probe.status, 'ok', probe.msg)
  assert.equal(probe.data.code, 220)
  assert.equal(probe.data.rcpt_to_code, 250)
  const refused = await run(client.conn, 'smtp_probe', { host: '10.77.1.1', rcpt_to: 'nobody@example.org' })
  assert.equal(refused.status, 'failed')
  assert.match(refused.msg ?? '', /^RCPT TO:<nobody@example.org> refused by 10\.77\.1\.1:25: 550 5\.1\.1/)

  // Three connections went through: NAT counts the first packet of each.
  const facts = await run(old.conn, 'iptables_facts', { table: ['nat', 'filter'] })
  assert.equal(facts.status, 'ok')
  const nat = (facts.data.ansible_facts as any).iptables.nat
  assert.equal(nat.PREROUTING.policy, 'ACCEPT')
  const [rule] = nat.PREROUTING.rules
  assert.equal(rule.num, 1)
  assert.equal(rule.pkts, 3)
  assert.ok(rule.bytes > 0)
  assert.deepEqual(
    { target: rule.target, protocol: rule.protocol, dport: rule.dport, comment: rule.comment, to: rule.to, destination: rule.destination },
    { target: 'DNAT', protocol: 'tcp', dport: '25', comment: 'smtp to new', to: '10.77.2.2:25', destination: '10.77.1.1' },
  )
  assert.equal(nat.POSTROUTING.rules[0].target, 'MASQUERADE')
  assert.equal(nat.POSTROUTING.rules[0].pkts, 3)
  assert.ok((facts.data.ansible_facts as any).iptables.filter.FORWARD)

  // Removing the forward stops it: the port is closed again from the client's side.
  assert.equal((await run(old.conn, 'iptables', { ...forward, state: 'absent' })).status, 'changed')
  const closed = await run(client.conn, 'wait_for', { host: '10.77.1.1', port: 25, state: 'stopped', timeout: 5, connect_timeout: 1 })
  assert.equal(closed.status, 'ok', closed.msg)
})

test('iptables_facts reads user chains, empty targets and counters of local connections', async () => {
  old.run('iptables', '-N', 'MAIL-IN')
  old.run('iptables', '-A', 'OUTPUT', '-p', 'tcp', '-d', '127.0.0.1', '-m', 'multiport', '--dports', '2525,2526', '-m', 'comment', '--comment', 'dpt:9 */ tricky', '-j', 'MAIL-IN')
  old.run('iptables', '-A', 'MAIL-IN', '-m', 'conntrack', '--ctstate', 'NEW')
  // Two refused connections on loopback: each SYN passes OUTPUT once.
  for (const port of [2525, 2526]) old.run('bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port} || true`)
  const facts = await run(old.conn, 'iptables_facts', { table: 'filter' })
  const filter = (facts.data.ansible_facts as any).iptables.filter
  assert.equal(filter['MAIL-IN'].references, 1)
  assert.equal(filter['MAIL-IN'].policy, undefined)
  const out = filter.OUTPUT.rules[0]
  assert.deepEqual([out.target, out.pkts, out.dports, out.comment, out.dport], ['MAIL-IN', 2, ['2525', '2526'], 'dpt:9 */ tricky', undefined])
  const counted = filter['MAIL-IN'].rules[0]
  assert.deepEqual([counted.target, counted.protocol, counted.pkts, counted.ctstate], ['', 'all', 2, ['NEW']])
})
