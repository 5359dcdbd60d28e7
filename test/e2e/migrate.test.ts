// The product's main job on real test hosts: playbooks/migrate.yml moves old's mail to new while
// client keeps sending, survives three failed cutovers (rolled back each time), then cuts over
// for real. Every streamed mail must land exactly once in the right Maildir on new.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { labDown, labExec, labUp, pop3Uidl, MAIL_USERS } from '../../src/lab/index.js'
import { projectRoot } from '../../src/lab/config.js'
import type { LabState } from '../../src/lab/index.js'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')
const playbook = join(projectRoot(), 'playbooks', 'migrate.yml')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Run {
  code: number | null
  out: string
  ms: number
}

let lab: LabState
let inventory: string
const ip = (h: string): string => lab.hosts.find((x) => x.name === h)!.ip

/** Run the migration playbook through the CLI; `during(child)` may act while it runs. */
function migrate(args: string[], during?: (kill: (s: NodeJS.Signals) => void, out: () => string) => Promise<void>): Promise<Run> {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, [cli, playbook, '-i', inventory, ...args], {
      env: { ...process.env, CI: 'true', NO_COLOR: '1', TSPLAY_GRACE_SECONDS: '2' },
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    void during?.((s) => child.kill(s), () => out)
    child.on('close', (code) => resolve({ code, out, ms: Date.now() - started }))
  })
}

async function sh(host: string, script: string): Promise<string> {
  const r = await labExec(host, ['bash', '-c', script])
  return r.stdout
}

/** Poll `check` every 50 ms until it is true or `ms` pass. */
async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** Old serves again after a rollback: postfix and POP3 answer, no forward, no SMTP refusal. */
async function assertOldServes(): Promise<void> {
  const rules = await sh('old', 'iptables -t nat -S; iptables -S')
  assert.doesNotMatch(rules, /tsplay-forward|tsplay-cutover-block/)
  const banner = await sh('client', `exec 3<>/dev/tcp/${ip('old')}/25; head -1 <&3`)
  assert.match(banner, /^220 old\.example\.test/)
  // courier was just started again: give authdaemon a moment before the first login.
  let count = 0
  await waitUntil(async () => {
    count = await pop3Uidl(ip('old'), MAIL_USERS[0]!.name, MAIL_USERS[0]!.password).then((p) => p.count, () => 0)
    return count >= 20
  }, 10_000, `POP3 on old (last STAT count ${count})`)
}

// The stream: client's swaks hands each mail to client's own postfix, which relays to old's
// address and retries deferred mail every 5 s, as a sending MTA on the Internet would.
const STREAM = `i=0; rm -f /tmp/stream.stop /tmp/stream.sent
until [ -e /tmp/stream.stop ]; do
  i=$((i+1)); u=$(( i % 3 ))
  case $u in 0) to=alice;; 1) to=bob;; 2) to=carol;; esac
  swaks --server 127.0.0.1 --from sender@client.example.test --to "$to@example.test" \\
    --header "Message-Id: <stream-$i-$to@e2e.test>" --header "Subject: stream $i" --body "mail $i" \\
    --silent 2 >/dev/null 2>&1 && echo "stream-$i-$to" >> /tmp/stream.sent
  sleep 0.05
done`

describe('playbooks/migrate.yml on the lab, with client sending all along', { timeout: 300_000 }, () => {
  let stream: Promise<unknown>
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
    stream = labExec('client', ['bash', '-c', STREAM])
    await waitUntil(async () => Number(await sh('client', 'wc -l < /tmp/stream.sent 2>/dev/null || echo 0')) >= 5, 30_000, 'the stream to start')
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
      await waitUntil(async () => (await sh('old', 'grep -c tsplay-mail-sync-oneoff /root/.ssh/authorized_keys || true')).trim() !== '0', 60_000, 'the final sync')
      await sh('new', `iptables -I OUTPUT -d ${ip('old')} -p tcp --dport 22 -j REJECT`)
    })
    await sh('new', `iptables -D OUTPUT -d ${ip('old')} -p tcp --dport 22 -j REJECT`)
    assert.notEqual(r.code, 0, r.out)
    const sync = r.out.indexOf('TASK [mail-sync : Pull the mail from the source]')
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
      await waitUntil(async () => /TASK \[Stop postfix on old\]/.test(out()), 60_000, 'the critical path')
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
    await sleep(3000) // mail sent to old's address after the cutover, through the forward
    await sh('client', 'touch /tmp/stream.stop')
    await stream
    await sh('client', 'postqueue -f')
    await waitUntil(async () => /Mail queue is empty/.test(await sh('client', 'postqueue -p')), 90_000, "client's queue to empty")
    const sent = (await sh('client', 'cat /tmp/stream.sent')).split('\n').filter(Boolean)
    assert.ok(sent.length >= 100, `only ${sent.length} sent`)
    const found = new Map<string, string[]>()
    for (const u of MAIL_USERS) {
      const ids = await sh('new', `grep -rhoi '^Message-Id: <stream-[^>]*>' /home/${u.name}/Maildir | sed -E 's/^[^<]*<([^@]*)@.*/\\1/'`)
      for (const id of ids.split('\n').filter(Boolean)) found.set(id, [...(found.get(id) ?? []), u.name])
    }
    const missing = sent.filter((id) => !found.has(id))
    const twice = [...found].filter(([, us]) => us.length > 1).map(([id]) => id)
    const wrongBox = [...found].filter(([id, us]) => !id.endsWith(`-${us[0]}`)).map(([id]) => id)
    console.log(`# stream: ${sent.length} sent, ${found.size} arrived on new, ${missing.length} missing, ${twice.length} duplicated`)
    assert.deepEqual(missing, [])
    assert.deepEqual(twice, [])
    assert.deepEqual(wrongBox, [])
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
