// The virtual-mailbox layout on the lab (`--mail-layout virtual`): old keeps all mail under one
// vmail account in /var/vmail/<domain>/<user>/, postfix delivers through virtual_mailbox_maps and
// courier logs users in by full address from its userdb. The same playbooks/migrate.yml detects
// that layout from old's postfix and moves it (vmail with the same uid/gid, maps, userdb, Maildirs)
// while client keeps sending over IPv4 and IPv6; nothing is lost and every address logs in on new.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { imapFolders, labDown, labUp, pop3Uidl, MAIL_USERS } from '../../src/lab/index.js'
import type { LabState } from '../../src/lab/index.js'
import { VMAIL } from '../../src/lab/config.js'
import { virtualMailbox } from '../../src/lab/provision/virtual.js'
import { migrate, sh, startStream, streamResult, type Stream } from './mail-stream.js'

describe('migrate.yml with old in the virtual-mailbox layout, with client sending over IPv4 and IPv6 all along', { timeout: 600_000 }, () => {
  let lab: LabState
  let stream: Stream
  const ip = (h: string): string => lab.hosts.find((x) => x.name === h)!.ip
  const boxes = MAIL_USERS.map((u) => ({ ...u, ...virtualMailbox(u) }))
  const uidlsBefore: Record<string, string[]> = {}

  before(async () => {
    const t = Date.now()
    lab = await labUp({ mail: true, mailLayout: 'virtual' })
    console.log(`# lab up (virtual layout) in ${((Date.now() - t) / 1000).toFixed(1)} s`)
  })
  after(async () => {
    await sh('client', 'touch /tmp/stream.stop').catch(() => {})
    await labDown()
  })

  it('old keeps mail as virtual mailboxes: vmail owns /var/vmail, users log in by full address only', async () => {
    assert.equal(await sh('old', `getent passwd ${VMAIL.user} | cut -d: -f3,4; getent passwd alice || echo no-alice`), `${VMAIL.uid}:${VMAIL.gid}\nno-alice\n`)
    assert.equal(await sh('old', 'postconf -h virtual_mailbox_base virtual_uid_maps'), `${VMAIL.base}\nstatic:${VMAIL.uid}\n`)
    for (const b of boxes) {
      assert.equal(await sh('old', `stat -c %u:%g ${b.dir}/cur`), `${VMAIL.uid}:${VMAIL.gid}\n`)
      const p = await pop3Uidl(ip('old'), b.login, b.password)
      assert.ok(p.count > 0, `${b.login}: ${p.count} messages on old`)
      uidlsBefore[b.login] = p.uidl
    }
    await assert.rejects(pop3Uidl(ip('old'), 'alice', 'alice-lab-pw'), 'a bare user name is no login in this layout')
  })

  it('the whole playbook detects the layout, moves it and verifies 0 missing per virtual mailbox; old forwards IPv6 too', async () => {
    // IPv4 through client's postfix and IPv6 straight to old's address (the IPv6 forward after the cutover).
    stream = await startStream(boxes.map((b) => b.login), undefined, lab.hosts.find((h) => h.name === 'old')!.ip6)
    const r = await migrate(lab.inventoryDir, [])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /verify: 0 messages missing, 0 differ; alice@example\.test \d+→\d+, bob@example\.test \d+→\d+, carol@example\.test \d+→\d+/)
    assert.match(r.out, /Old's IPv6 address answers SMTP with new's server[^\n]*\n(ok|changed): /)
    console.log(`# virtual layout: migration run ${(r.ms / 1000).toFixed(1)} s`)
    const nat6 = await sh('old', 'ip6tables -t nat -S PREROUTING')
    assert.equal(nat6.split('\n').filter((l) => l.includes('tsplay-forward') && l.includes('DNAT')).length, 7, nat6)
  })

  it('new has vmail with the same uid/gid, the postmapped map and the userdb', async () => {
    assert.equal(await sh('new', `getent passwd ${VMAIL.user} | cut -d: -f3,4`), `${VMAIL.uid}:${VMAIL.gid}\n`)
    assert.equal(await sh('new', 'postmap -q alice@example.test hash:/etc/postfix/vmailbox'), 'example.test/alice/\n')
    assert.equal(await sh('new', 'stat -c %a /etc/courier/userdb; test -s /etc/courier/userdb.dat && echo dat'), '600\ndat\n')
  })

  it('every streamed mail arrives exactly once, in the right virtual mailbox on new', async () => {
    const res = await streamResult(stream, Object.fromEntries(boxes.map((b) => [b.name, b.dir])))
    assert.ok(res.sent.length >= 50, `only ${res.sent.length} sent`)
    assert.ok(res.sent6.length >= 20, `only ${res.sent6.length} sent over IPv6`)
    assert.deepEqual(res.missing, [])
    assert.deepEqual(res.twice, [])
    assert.deepEqual(res.wrongBox, [])
    assert.equal(await sh('new', `find ${VMAIL.base} ! -uid ${VMAIL.uid} | head -3`), '')
  })

  it('every address logs in on new with the same password, POP3 and IMAP, and keeps its UIDLs', async () => {
    for (const b of boxes) {
      const now = await pop3Uidl(ip('new'), b.login, b.password)
      const have = new Set(now.uidl)
      assert.deepEqual(uidlsBefore[b.login]!.filter((x) => !have.has(x)), [], `${b.login}: UIDLs of old missing on new`)
      assert.ok((await imapFolders(ip('new'), b.login, b.password)).length > 1)
    }
  })
})
