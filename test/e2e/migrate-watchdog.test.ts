// The cutover's safety net on real test hosts: a watchdog armed on old restores it when the
// controller dies (SIGKILL) or loses its route to old mid-cutover; rollbacks put back exactly the
// recorded state (no daemon that was not running, ip_forward as it was); --check arms nothing; a
// later run reports the cut-short cutover, cuts over, and leaves no watchdog. Client streams mail
// all along, and every mail must be on new exactly once at the end.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { labDown, labExec, labUp } from '../../src/lab/index.js'
import type { LabState } from '../../src/lab/index.js'
import { assertOldServes, assertStreamArrivedOnce, migrate as run, sh, startStream, waitUntil, type Run, type Stream } from './migrate-lab.js'

let lab: LabState
const migrate = (args: string[], during?: Parameters<typeof run>[2]): Promise<Run> => run(lab.inventoryDir, args, during)
// Short, so the tests see the watchdog fire; long enough for a loaded 2-core machine's window.
const DEADLINE = 15

/** What a rollback must put back exactly: listening ports, ip_forward, tagged rules. */
const oldState = () => sh('old', "ss -Hltn | awk '{print $4}' | sort -u | tr '\\n' ' '; echo; cat /proc/sys/net/ipv4/ip_forward; (iptables -t nat -S; iptables -S) | grep -c tsplay || true")
const watchdogs = () => sh('old', "ps -eo args | grep -c '^sh /var/lib/tsplay/cutover-watchdog.sh' || true")

describe('the cutover watchdog and exact rollback on the lab, with client sending all along', { timeout: 900_000 }, () => {
  let stream: Stream
  let before0 = ''

  before(async () => {
    lab = await labUp({ mail: true })
    const r = await migrate(['--tags', 'prepare,presync'])
    assert.equal(r.code, 0, r.out)
    stream = await startStream()
    before0 = await oldState()
  })
  after(async () => {
    await labExec('client', ['touch', '/tmp/stream.stop']).catch(() => {})
    await labDown()
  })

  it('--check arms nothing and records nothing on old', async () => {
    const r = await migrate(['--tags', 'cutover', '--check'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /would record the running daemons and arm a watchdog/)
    assert.equal(await watchdogs(), '0\n')
    assert.equal(await sh('old', 'ls /var/lib/tsplay 2>/dev/null | grep -E "watchdog|cutover-state" || echo none'), 'none\n')
  })

  it('Ctrl-C after the forward rolls back to exactly what ran (no extra daemon, ip_forward as it was)', async () => {
    assert.match(before0, /\n0\n0\n$/, `ip_forward 0 and no tsplay rules before: ${before0}`)
    const r = await migrate(['--tags', 'cutover'], async (kill, out) => {
      await waitUntil(async () => /TASK \[Old's address answers SMTP with new's server\]/.test(out()), 120_000, 'the forward')
      kill('SIGINT')
    })
    assert.notEqual(r.code, 0, r.out)
    assert.match(r.out, /rolled back, outage \d+\.\d s, nothing lost \(restored by the controller/)
    await assertOldServes(lab)
    assert.equal(await oldState(), before0)
    assert.equal(await watchdogs(), '0\n')
  })

  it('SIGKILL of tsplay right after old stopped postfix: the watchdog restores old within the deadline', async () => {
    let killedAt = 0
    const r = await migrate(['--tags', 'cutover', '-e', `mail_cutover_deadline=${DEADLINE}`], async (kill, out) => {
      await waitUntil(async () => /TASK \[No mail in flight in old's queue after the stop\]/.test(out()), 120_000, "old's postfix to stop")
      kill('SIGKILL')
      killedAt = Date.now()
    })
    assert.equal(r.code, null, r.out)
    assert.match(await sh('old', '/etc/init.d/postfix status || true'), /not running/)
    await waitUntil(async () => (await sh('old', 'cat /var/lib/tsplay/watchdog.fired 2>/dev/null || true')).length > 0, (DEADLINE + 30) * 1000, 'the watchdog to fire')
    await assertOldServes(lab, 20_000)
    console.log(`# watchdog restored old ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the SIGKILL (deadline ${DEADLINE} s from arming)`)
    assert.equal(await oldState(), before0)
    assert.equal(await sh('old', 'grep -c tsplay-mail-sync-oneoff /root/.ssh/authorized_keys || true'), '0\n')
    assert.equal(await watchdogs(), '0\n')
  })

  it("controller's route to old cut mid-cutover: the watchdog restores old by itself", async () => {
    const drop = `iptables -I INPUT -s ${lab.controllerIp} -j DROP`
    try {
      // tsplay may notice the dropped connection and end by itself (its rollback cannot reach old
      // either), or hang on it: either way only the watchdog can restore old.
      const fired = () => waitUntil(async () => (await sh('old', 'cat /var/lib/tsplay/watchdog.fired 2>/dev/null || true')).length > 0, (DEADLINE + 30) * 1000, 'the watchdog to fire')
      const r = await migrate(['--tags', 'cutover', '-e', `mail_cutover_deadline=${DEADLINE}`], async (kill, out) => {
        await waitUntil(async () => /TASK \[Stop courier and postfix on old/.test(out()), 120_000, 'the window')
        await sh('old', `rm -f /var/lib/tsplay/watchdog.fired; ${drop}`)
        await fired()
        kill('SIGKILL') // a no-op when it has ended already
      })
      await fired()
      assert.notEqual(r.code, 0, r.out)
      if (r.code !== null) assert.match(r.out, /ROLLBACK NOT CONFIRMED: old could not be restored from here .*its watchdog restores it/)
    } finally {
      await sh('old', drop.replace('-I INPUT', '-D INPUT'))
    }
    await assertOldServes(lab, 20_000)
    assert.equal(await oldState(), before0)
    assert.equal(await watchdogs(), '0\n')
  })

  it('a later run reports the cut-short cutover, then cuts over and leaves no watchdog', async () => {
    const r = await migrate(['--tags', 'cutover,verify'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /an earlier cutover was cut short: fired: cutover cut short: the watchdog restored this host/)
    assert.match(r.out, /outage window: \d+\.\d s \(canary arrived/)
    assert.match(r.out, /verify: 0 messages missing, 0 differ/)
    assert.equal(await watchdogs(), '0\n')
    assert.equal(await sh('old', 'ls /var/lib/tsplay | grep -E "watchdog.(armed|claimed|fired)|cutover-state" || echo none'), 'none\n')
    assert.match(await oldState(), /\n1\n10\n$/) // forwarding: ip_forward on, 7 DNAT + MASQUERADE + 2 FORWARD
  })

  it('every streamed mail arrives exactly once, in the right Maildir on new', async () => {
    const sent = await assertStreamArrivedOnce(stream)
    assert.ok(sent >= 50, `only ${sent} sent`)
  })
})
