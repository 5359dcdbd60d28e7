// The product's main job on real test hosts: playbooks/migrate.yml moves old's mail to new while
// client keeps sending, survives three failed cutovers (rolled back each time), then cuts over
// for real. Every streamed mail must land exactly once in the right Maildir on new.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { labDown, labExec, labUp, pop3Uidl, MAIL_USERS } from '../../src/lab/index.js'
import type { LabState } from '../../src/lab/index.js'
import { assertOldServes as oldServes, assertStreamArrivedOnce, hostIp, migrate as run, sh, startStream, waitUntil, type Run, type Stream } from './migrate-lab.js'

let lab: LabState
let inventory: string
const ip = (h: string): string => hostIp(lab, h)
const migrate = (args: string[], during?: Parameters<typeof run>[2]): Promise<Run> => run(inventory, args, during)
const assertOldServes = (): Promise<void> => oldServes(lab)

describe('playbooks/migrate.yml on the lab, with client sending all along', { timeout: 900_000 }, () => {
  let stream: Stream
  const uidlsBefore: Record<string, string[]> = {}

  before(async () => {
    lab = await labUp({ mail: true })
    inventory = lab.inventoryDir
    for (const u of MAIL_USERS) uidlsBefore[u.name] = (await pop3Uidl(ip('old'), u.name, u.password)).uidl
  })
  after(async () => {
    await labExec('client', ['touch', '/tmp/stream.stop']).catch(() => {})
    await labDown()
  })

  it('--check walks every phase and changes nothing on either host', async () => {
    const r = await migrate(['--check'])
    assert.equal(r.code, 0, r.out)
    for (const phase of ['prepare', 'presync', 'cutover', 'verify', 'dns']) assert.match(r.out, new RegExp(`PLAY \\[${phase}:`))
    assert.match(r.out, /A real run would refuse to cut over:(\\n|\n).*alice/)
    assert.equal(await sh('new', 'getent passwd alice || echo none'), 'none\n')
    assert.doesNotMatch(await sh('old', 'iptables -t nat -S; iptables -S'), /tsplay/)
    assert.match(await sh('old', '/etc/init.d/postfix status'), /is running/)
  })

  it('prepare gives new the users (same uid/gid), postfix and courier, and checks them on new', async () => {
    const r = await migrate(['--tags', 'prepare'])
    assert.equal(r.code, 0, r.out)
    assert.equal(await sh('new', 'getent passwd alice bob carol | cut -d: -f1,3,4'), 'alice:2001:2001\nbob:2002:2002\ncarol:2003:2003\n')
    assert.match(r.out, /POP3 and IMAP logins succeed\] \**\nok: \[new\]/)
    stream = await startStream()
  })

  it('presync copies the mail, reports what a final sync would move and records its time', async () => {
    const r = await migrate(['--tags', 'presync'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /a final sync would still copy \d+ messages/)
    assert.match(await sh('new', 'cat /var/lib/tsplay/presync'), /^\d+\n$/)
  })

  it('old unreachable from new during the final sync rolls back: old serves, exit non-zero', async () => {
    // new's path to old goes away once the one-off sync key is on old, i.e. during the final sync.
    const r = await migrate(['--tags', 'cutover', '-e', 'mail_sync_rsync_timeout=5'], async () => {
      await waitUntil(async () => (await sh('old', 'grep -c tsplay-mail-sync-oneoff /root/.ssh/authorized_keys || true')).trim() !== '0', 240_000, 'the final sync')
      await sh('new', `iptables -I OUTPUT -d ${ip('old')} -p tcp --dport 22 -j REJECT`)
    })
    await sh('new', `iptables -D OUTPUT -d ${ip('old')} -p tcp --dport 22 -j REJECT`)
    assert.notEqual(r.code, 0, r.out)
    // The final sync's first copy: the one stream of missing messages, or the folders' rsyncs.
    const sync = r.out.search(/TASK \[mail-sync : (Copy the missing messages in one stream|Pull the mail from the source[^\]]*)\]/)
    assert.ok(sync > 0 && r.out.indexOf('fatal: [new', sync) > sync, 'the final sync is what failed')
    assert.match(r.out, /rolled back, outage \d+\.\d s, nothing lost/)
    await assertOldServes()
  })

  it("new's postfix refusing to start rolls back: old serves, exit non-zero", async () => {
    await sh('new', "/etc/init.d/postfix stop >/dev/null; cp /etc/postfix/main.cf /tmp/main.cf.good; echo 'this line is broken' >> /etc/postfix/main.cf")
    const r = await migrate(['--tags', 'cutover'])
    await sh('new', 'cp /tmp/main.cf.good /etc/postfix/main.cf && /etc/init.d/postfix start >/dev/null')
    assert.notEqual(r.code, 0, r.out)
    assert.match(r.out, /postfix on new accepts its configuration/)
    assert.match(r.out, /rolled back, outage \d+\.\d s, nothing lost/)
    await assertOldServes()
  })

  it('Ctrl-C during the cutover rolls back (rescue runs as cleanup) and exits non-zero', async () => {
    const r = await migrate(['--tags', 'cutover'], async (kill, out) => {
      await waitUntil(async () => /TASK \[Stop courier and postfix on old/.test(out()), 240_000, 'the critical path')
      kill('SIGINT')
    })
    assert.notEqual(r.code, 0, r.out)
    assert.match(r.out, /rolled back, outage \d+\.\d s, nothing lost/)
    await assertOldServes()
  })

  let outage = 0
  it('the whole playbook cuts over: outage window printed, canary through old arrives on new, 0 missing', async () => {
    const r = await migrate([])
    assert.equal(r.code, 0, r.out)
    const m = /outage window: (\d+\.\d) s/.exec(r.out)
    assert.ok(m, r.out)
    outage = Number(m[1])
    assert.ok(outage < 60, `outage ${outage} s`)
    assert.match(r.out, /verify: 0 messages missing, 0 differ/)
    assert.match(await sh('old', 'cat /var/lib/tsplay/cutover'), /^cut over to new/)
    console.log(`# cutover run ${(r.ms / 1000).toFixed(1)} s, outage window ${outage} s`)
  })

  it('every streamed mail arrives exactly once, in the right Maildir on new', async () => {
    const sent = await assertStreamArrivedOnce(stream)
    assert.ok(sent >= 100, `only ${sent} sent`)
  })

  it("courier POP3 on new serves the migrated mail with old's UIDLs", async () => {
    for (const u of MAIL_USERS) {
      const now = await pop3Uidl(ip('new'), u.name, u.password)
      const have = new Set(now.uidl)
      assert.deepEqual(uidlsBefore[u.name]!.filter((x) => !have.has(x)), [], `${u.name}: UIDLs of old missing on new`)
    }
  })

  it('a second run is safe: no second cutover, no doubled forward rules, still 0 missing', async () => {
    const rules = async () => (await sh('old', 'iptables -t nat -S; iptables -S')).split('\n').filter((l) => l.includes('tsplay-forward')).length
    const before = await rules()
    const r = await migrate([])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /cutover already done .*not cutting over again/)
    assert.doesNotMatch(r.out, /outage window/)
    assert.match(r.out, /verify: 0 messages missing/)
    assert.equal(await rules(), before)
    assert.equal(before, 10) // 7 DNAT + MASQUERADE + 2 FORWARD
  })
})
