// iptables for real, inside throwaway network namespaces: twice-run, check, diff, absent, insert,
// policy, flush, and hostile values that must stay data.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNetns, type Netns } from '../../helpers/netns.js'
import { getModule } from '../../../src/modules/index.js'
import { check } from '../../../src/schema/validate.js'
import { runner, type Over } from '../real-run.js'

let ns: Netns
before(() => {
  ns = createNetns('old')
})
after(() => ns.remove())

const run = (name: string, args: Record<string, unknown>, over: Over = {}) => runner({ conn: ns.conn })(name, args, over)

const rules = (table: string, chain: string) => ns.run('iptables', '-t', table, '-S', chain)

const dnat = () => ({
  table: 'nat',
  chain: 'PREROUTING',
  protocol: 'tcp',
  destination_port: 25,
  jump: 'DNAT',
  to_destination: '10.77.2.2:25',
  comment: 'mail migration smtp',
})

test('a missing rule is appended, then the second run says it is already present', async () => {
  const first = await run('iptables', dnat())
  assert.equal(first.status, 'changed')
  assert.match(rules('nat', 'PREROUTING'), /--dport 25 -m comment --comment "mail migration smtp" -j DNAT --to-destination 10.77.2.2:25/)
  const second = await run('iptables', dnat())
  assert.equal(second.status, 'ok')
  assert.equal(second.msg, 'rule already present in nat PREROUTING')
  assert.equal(rules('nat', 'PREROUTING').split('\n').filter((l) => l.startsWith('-A')).length, 1)
})

test('check mode predicts the change exactly and leaves the chain alone', async () => {
  const args = { ...dnat(), destination_port: 110, comment: 'pop3' }
  const beforeRules = rules('nat', 'PREROUTING')
  const checked = await run('iptables', args, { check: true })
  assert.equal(checked.status, 'changed')
  assert.deepEqual(checked.planned, ['iptables -t nat -A PREROUTING -p tcp --dport 110 -m comment --comment pop3 -j DNAT --to-destination 10.77.2.2:25'])
  assert.equal(rules('nat', 'PREROUTING'), beforeRules)
  assert.equal((await run('iptables', dnat(), { check: true })).status, 'ok')
})

test('diff mode shows the chain listing before and after', async () => {
  const r = await run('iptables', { table: 'filter', chain: 'INPUT', source: '10.9.9.9', jump: 'DROP' }, { diff: true })
  assert.equal(r.status, 'changed')
  assert.deepEqual(r.diff, [{ path: 'iptables filter INPUT', before: '-P INPUT ACCEPT\n', after: '-P INPUT ACCEPT\n-A INPUT -s 10.9.9.9 -j DROP\n' }])
  const gone = await run('iptables', { table: 'filter', chain: 'INPUT', source: '10.9.9.9', jump: 'DROP', state: 'absent' }, { diff: true })
  // The rule is found in iptables' own spelling (-s 10.9.9.9/32) and taken out of the after side.
  assert.deepEqual(gone.diff, [{ path: 'iptables filter INPUT', before: '-P INPUT ACCEPT\n-A INPUT -s 10.9.9.9/32 -j DROP\n', after: '-P INPUT ACCEPT\n' }])
})

test('state absent deletes the rule once, then reports it is not present', async () => {
  const args = { table: 'filter', chain: 'FORWARD', protocol: 'tcp', destination: '10.77.2.2', destination_ports: [25, 465, 587], ctstate: ['NEW', 'ESTABLISHED'], jump: 'ACCEPT' }
  assert.equal((await run('iptables', args)).status, 'changed')
  assert.equal((await run('iptables', args)).status, 'ok')
  assert.equal((await run('iptables', { ...args, state: 'absent' })).status, 'changed')
  const again = await run('iptables', { ...args, state: 'absent' })
  assert.equal(again.status, 'ok')
  assert.equal(again.msg, 'rule not present in filter FORWARD')
  assert.doesNotMatch(rules('filter', 'FORWARD'), /-A FORWARD/)
})

test("a leading '!' negates source and interface", async () => {
  const args = { table: 'filter', chain: 'OUTPUT', source: '!10.1.0.0/16', out_interface: '!lo', jump: 'ACCEPT' }
  assert.equal((await run('iptables', args)).status, 'changed')
  assert.match(rules('filter', 'OUTPUT'), /-A OUTPUT ! -s 10\.1\.0\.0\/16 ! -o lo -j ACCEPT/)
  assert.equal((await run('iptables', args)).status, 'ok')
})

test('insert with rule_num puts the rule at that position, and does not move it later', async () => {
  ns.run('iptables', '-A', 'INPUT', '-s', '10.5.5.1', '-j', 'ACCEPT')
  ns.run('iptables', '-A', 'INPUT', '-s', '10.5.5.2', '-j', 'ACCEPT')
  const args = { chain: 'INPUT', action: 'insert', rule_num: 2, source: '10.5.5.5', jump: 'REJECT' }
  assert.equal((await run('iptables', args)).status, 'changed')
  const lines = rules('filter', 'INPUT').split('\n').filter((l) => l.startsWith('-A'))
  assert.match(lines[1]!, /-s 10\.5\.5\.5\/32 -j REJECT/)
  assert.equal((await run('iptables', args)).status, 'ok')
})

test('policy is set once; the second run says it already is', async () => {
  const r = await run('iptables', { chain: 'FORWARD', policy: 'DROP' }, { diff: true })
  assert.equal(r.status, 'changed')
  assert.match(r.diff![0]!.after, /^-P FORWARD DROP$/m)
  const again = await run('iptables', { chain: 'FORWARD', policy: 'DROP' })
  assert.equal(again.msg, 'policy of FORWARD is already DROP')
  ns.run('iptables', '-P', 'FORWARD', 'ACCEPT')
})

test('flush empties a chain, and an empty chain has nothing to flush', async () => {
  ns.run('iptables', '-t', 'mangle', '-A', 'OUTPUT', '-j', 'ACCEPT')
  assert.equal((await run('iptables', { table: 'mangle', chain: 'OUTPUT', flush: true })).status, 'changed')
  const again = await run('iptables', { table: 'mangle', chain: 'OUTPUT', flush: true })
  assert.equal(again.status, 'ok')
  assert.equal(again.msg, 'mangle OUTPUT has no rules to flush')
})

test('a rule in a chain that does not exist fails with a clear message', async () => {
  const r = await run('iptables', { chain: 'NOSUCHCHAIN', jump: 'ACCEPT' })
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, 'chain NOSUCHCHAIN does not exist in table filter')
})

test('hostile comments stay one argument: nothing runs and the rule is idempotent', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-ipt-'))
  const sentinel = join(dir, 'SENTINEL')
  for (const comment of [`$(touch ${sentinel})`, `\`touch ${sentinel}\``, `x'; touch ${sentinel}; '`, `"quoted" and 'single' ; | & > ${sentinel}`, '-j DROP']) {
    const args = { chain: 'INPUT', protocol: 'udp', destination_port: 5353, jump: 'ACCEPT', comment }
    assert.equal((await run('iptables', args)).status, 'changed', comment)
    assert.equal((await run('iptables', args)).status, 'ok', comment)
    const facts = await run('iptables_facts', { table: 'filter', chain: 'INPUT' })
    const input = (facts.data.ansible_facts as any).iptables.filter.INPUT
    assert.ok(input.rules.some((r: { comment?: string }) => r.comment === comment), comment)
    const gone = await run('iptables', { ...args, state: 'absent' }, { diff: true })
    assert.equal(gone.status, 'changed')
    assert.doesNotMatch(gone.diff![0]!.after, /5353/, 'the diff found the rule by its comment')
  }
  assert.equal(existsSync(sentinel), false)
  await rm(dir, { recursive: true, force: true })
})

test('values that could become options or new lines are refused by the schema', () => {
  const mod = getModule('iptables')!
  assert.match(check(mod.schema, { chain: '-F' })?.message ?? '', /must match pattern/)
  assert.match(check(mod.schema, { chain: 'INPUT', comment: 'a\nb' })?.message ?? '', /must match pattern/)
  assert.match(check(mod.schema, { chain: 'INPUT', source: '-F' })?.message ?? '', /must match pattern/)
})
