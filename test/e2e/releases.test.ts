// Migrations across Debian releases on the lab: old runs bullseye (postfix 3.5, SHA-512 hashes) or
// bookworm (postfix 3.7, yescrypt), new runs trixie (postfix 3.10). The whole playbook ports the
// configuration, `postfix check` is clean on new, every user logs in with the same password, and
// no mail streamed during the migration is lost. The debootstrap trees are cached on disk
// (/var/cache/tsplay/rootfs): only the first run on a bare machine builds them (minutes, hence the
// long timeout of the first bring-up; a hang guard, not a speed goal).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { imapFolders, labDown, labUp, pop3Uidl, MAIL_USERS } from '../../src/lab/index.js'
import type { LabState } from '../../src/lab/index.js'
import { machineRelease } from '../../src/lab/rootfs.js'
import { migrate, sh, startStream, streamResult, type Stream } from './mail-stream.js'

const POSTFIX: Record<string, RegExp> = { bullseye: /^3\.5\./, bookworm: /^3\.7\./, trixie: /^3\.10\./ }

for (const [from, to] of [['bullseye', 'trixie'], ['bookworm', 'trixie']] as const) {
  describe(`migrate.yml from ${from} to ${to}, with client sending all along`, { timeout: 1_800_000 }, () => {
    let lab: LabState
    let stream: Stream
    const ip = (h: string): string => lab.hosts.find((x) => x.name === h)!.ip
    const uidlsBefore: Record<string, string[]> = {}

    before(async () => {
      const t = Date.now()
      lab = await labUp({ mail: true, oldRelease: from, newRelease: to, log: (l) => console.log(`# ${l}`) })
      console.log(`# lab up (${from} -> ${to}) in ${((Date.now() - t) / 1000).toFixed(1)} s`)
      for (const u of MAIL_USERS) uidlsBefore[u.name] = (await pop3Uidl(ip('old'), u.name, u.password)).uidl
    })
    after(async () => {
      await sh('client', 'touch /tmp/stream.stop').catch(() => {})
      await labDown()
    })

    it(`old runs ${from} and new runs ${to}, each with its own postfix; old has yescrypt and SHA-512 password hashes`, async () => {
      for (const [host, rel] of [['old', from], ['new', to]] as const) {
        assert.equal((await sh(host, '. /etc/os-release; echo $VERSION_CODENAME')).trim(), rel)
        assert.match((await sh(host, 'postconf -h mail_version')).trim(), POSTFIX[rel]!)
        assert.equal(lab.hosts.find((h) => h.name === host)!.lower === '/', rel === machineRelease())
      }
      // alice has her release's default hash (yescrypt since Debian 11), bob an older SHA-512 one.
      assert.match(await sh('old', 'getent shadow alice bob | cut -d: -f1,2'), /^alice:\$y\$.*\nbob:\$6\$/)
    })

    it('the whole playbook ports postfix, reports what changed, and verifies 0 missing while mail streams', async () => {
      stream = await startStream(MAIL_USERS.map((u) => `${u.name}@example.test`))
      const r = await migrate(lab.inventoryDir, [])
      assert.equal(r.code, 0, r.out)
      assert.match(r.out, /postfix port from \S+ to 3\.10\.\S+:/)
      assert.match(r.out, /verify: 0 messages missing, 0 differ/)
      console.log(`# ${from} -> ${to}: migration run ${(r.ms / 1000).toFixed(1)} s`)
    })

    it('postfix check on new is clean and compatibility_level is current', async () => {
      assert.equal(await sh('new', 'postfix check 2>&1'), '')
      assert.equal((await sh('new', 'postconf -h compatibility_level')).trim(), '3.6')
      assert.equal(await sh('new', 'postconf -n >/dev/null 2>/tmp/w; cat /tmp/w'), '')
    })

    it('every streamed mail arrives exactly once, in the right Maildir on new', async () => {
      const res = await streamResult(stream, Object.fromEntries(MAIL_USERS.map((u) => [u.name, `/home/${u.name}/Maildir`])))
      assert.ok(res.sent.length >= 50, `only ${res.sent.length} sent`)
      assert.deepEqual(res.missing, [])
      assert.deepEqual(res.twice, [])
      assert.deepEqual(res.wrongBox, [])
    })

    it(`every user logs in on new (${to}) with the same password, POP3 and IMAP, and sees old's mail`, async () => {
      assert.match(await sh('new', 'getent shadow alice bob | cut -d: -f1,2'), /^alice:\$y\$.*\nbob:\$6\$/)
      for (const u of MAIL_USERS) {
        const now = await pop3Uidl(ip('new'), u.name, u.password)
        const have = new Set(now.uidl)
        assert.deepEqual(uidlsBefore[u.name]!.filter((x) => !have.has(x)), [], `${u.name}: UIDLs of old missing on new`)
        const folders = await imapFolders(ip('new'), u.name, u.password)
        assert.ok(folders.length > 1, `${u.name}: IMAP folders ${folders.join(', ')}`)
      }
    })
  })
}
