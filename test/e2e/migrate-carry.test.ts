// Everything a real server holds moves with the mail (issue 16): old is set up the way an admin
// would (postconf, postmap, openssl, saslauthd, a milter, an :include: list, a file alias, a
// .forward, mail deferred and held in the queue), then playbooks/migrate.yml runs with client
// sending all along, and new is checked by behaviour: the same STARTTLS certificate, a SASL login
// on 587, mail through the list, the file alias, the virtual alias and the .forward, the queued
// mail delivered from new. One lab, one cutover.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { labDown, labExec, labUp, MAIL_USERS } from '../../src/lab/index.js'
import { projectRoot } from '../../src/lab/config.js'
import type { LabState } from '../../src/lab/index.js'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')
const playbook = join(projectRoot(), 'playbooks', 'migrate.yml')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

let lab: LabState
const ip = (h: string): string => lab.hosts.find((x) => x.name === h)!.ip

function migrate(args: string[]): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, [cli, playbook, '-i', lab.inventoryDir, ...args], { env: { ...process.env, CI: 'true', NO_COLOR: '1' } })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('close', (code) => resolve({ code, out, ms: Date.now() - started }))
  })
}

async function sh(host: string, script: string): Promise<string> {
  const r = await labExec(host, ['bash', '-c', script])
  assert.equal(r.rc, 0, `[${host}] ${script}\n${r.stderr}`)
  return r.stdout
}

async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(200)
  }
}

/** What an admin did on old over the years. $1: the address remote.test is relayed to. */
const SETUP_OLD = `set -e
mkdir -p /etc/ssl/mail
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=mail.example.test -keyout /etc/ssl/mail/mail.key -out /etc/ssl/mail/mail.pem 2>/dev/null
chmod 600 /etc/ssl/mail/mail.key
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=imap.example.test -keyout /etc/ssl/mail/courier.pem -out /tmp/courier.crt 2>/dev/null
cat /tmp/courier.crt >> /etc/ssl/mail/courier.pem && rm /tmp/courier.crt && chown root:courier /etc/ssl/mail/courier.pem && chmod 640 /etc/ssl/mail/courier.pem
install -o root -g courier -m 640 /etc/courier/dhparams.pem /etc/ssl/mail/dhparams.pem
for f in imapd-ssl pop3d-ssl; do sed -i -E 's|^TLS_CERTFILE=.*|TLS_CERTFILE=/etc/ssl/mail/courier.pem|; s|^TLS_DHPARAMS=.*|TLS_DHPARAMS=/etc/ssl/mail/dhparams.pem|; s|^TLS_TRUSTCERTS=.*|TLS_TRUSTCERTS=/etc/ssl/mail/mail.pem|' /etc/courier/$f; done
/etc/init.d/courier-imap restart >/dev/null && /etc/init.d/courier-imap-ssl start >/dev/null && /etc/init.d/courier-pop-ssl start >/dev/null
printf 'sales@example.test alice\\n' > /etc/postfix/virtual && postmap /etc/postfix/virtual
printf '/^Subject: hold me/ HOLD\\n' > /etc/postfix/header_checks
printf 'remote.test smtp:[%s]:2525\\n' "$1" > /etc/postfix/transport && postmap /etc/postfix/transport
postconf -e smtpd_tls_cert_file=/etc/ssl/mail/mail.pem smtpd_tls_key_file=/etc/ssl/mail/mail.key smtpd_tls_security_level=may \\
  virtual_alias_maps=hash:/etc/postfix/virtual header_checks=regexp:/etc/postfix/header_checks transport_maps=hash:/etc/postfix/transport \\
  smtpd_milters=inet:localhost:8891 non_smtpd_milters=inet:localhost:8891 milter_default_action=accept
postconf -M submission/inet='submission inet n - y - - smtpd'
postconf -P submission/inet/syslog_name=postfix/submission submission/inet/smtpd_tls_security_level=encrypt \\
  submission/inet/smtpd_sasl_auth_enable=yes submission/inet/smtpd_tls_auth_only=yes \\
  'submission/inet/smtpd_relay_restrictions=permit_sasl_authenticated,reject'
mkdir -p /etc/postfix/sasl
printf 'pwcheck_method: saslauthd\\nmech_list: PLAIN LOGIN\\n' > /etc/postfix/sasl/smtpd.conf
grep -q '^START=' /etc/default/saslauthd || echo START=yes >> /etc/default/saslauthd
sed -i 's/^START=.*/START=yes/; s|^OPTIONS=.*|OPTIONS="-c -m /var/spool/postfix/var/run/saslauthd"|' /etc/default/saslauthd
install -d -g sasl -m 710 /var/spool/postfix/var/run/saslauthd
adduser postfix sasl >/dev/null
/etc/init.d/saslauthd start >/dev/null
printf 'Mode v\\nSocket inet:8891@localhost\\nPidFile /tmp/opendkim.pid\\nUserID opendkim\\nSyslog no\\n' > /etc/opendkim-lab.conf
opendkim -x /etc/opendkim-lab.conf
mkdir -p /etc/mail/lists && printf 'alice\\nbob\\n' > /etc/mail/lists/staff.list
install -o nobody -g nogroup -m 600 /dev/null /var/tmp/x.mbox
printf 'From archive@old  Thu Jan  1 00:00:00 2026\\nSubject: archived on old\\n\\nkept\\n\\n' > /var/tmp/x.mbox
printf 'staff: :include:/etc/mail/lists/staff.list\\nfilealias: /var/tmp/x.mbox\\n' >> /etc/aliases && newaliases
printf 'bob\\n' > /home/carol/.forward && chown carol:carol /home/carol/.forward
install -d -o alice -g alice -m 750 /home/alice/notes /home/alice/.cache
printf 'plans\\n' > /home/alice/notes/plan.txt && printf 'cached\\n' > /home/alice/.cache/thumb.bin
chown alice:alice /home/alice/notes/plan.txt /home/alice/.cache/thumb.bin && chmod 640 /home/alice/notes/plan.txt
mkdir -p /srv/mail && useradd -m -d /srv/mail/dave -u 2004 -s /bin/bash dave
install -d -o dave -g dave -m 700 /srv/mail/dave/Maildir /srv/mail/dave/Maildir/cur /srv/mail/dave/Maildir/new /srv/mail/dave/Maildir/tmp
printf 'Message-Id: <dave-1@old.test>\nSubject: for dave\n\nhi\n' > '/srv/mail/dave/Maildir/cur/1700000000.M1P1.old.example.test:2,S'
chown dave:dave /srv/mail/dave/Maildir/cur/*
install -d -m 700 /root/Maildir /root/Maildir/cur /root/Maildir/new /root/Maildir/tmp
printf 'Message-Id: <root-1@old.test>\nSubject: for postmaster\n\nhi\n' > '/root/Maildir/cur/1700000001.M1P1.old.example.test:2,S'
/etc/init.d/postfix restart >/dev/null
for i in 1 2 3; do printf 'Message-Id: <queued-%s@old.test>\\nSubject: queued %s\\n\\nfar away\\n' $i $i | sendmail -f root far@remote.test; done
printf 'Message-Id: <held-1@old.test>\\nSubject: hold me\\n\\nheld\\n' | sendmail -f root far@remote.test
printf 'Message-Id: <held-local@old.test>\\nSubject: hold me\\n\\nheld for alice\\n' | sendmail -f root alice@example.test`

const CARRIED = ['/etc/ssl/mail/mail.pem', '/etc/ssl/mail/mail.key', '/etc/ssl/mail/courier.pem', '/etc/ssl/mail/dhparams.pem', '/etc/postfix/virtual', '/etc/postfix/header_checks', '/etc/postfix/transport', '/etc/postfix/sasl/smtpd.conf', '/etc/mail/lists/staff.list', '/var/tmp/x.mbox', '/home/carol/.forward']
const statOf = (host: string) => sh(host, `stat -c '%n %U:%G %a %s' ${CARRIED.join(' ')}`)

/** The SHA-256 fingerprint of the certificate `host`:`port` shows (after STARTTLS, unless the port speaks TLS from the start), seen from client. */
const fingerprint = (host: string, port: number) => {
  const starttls = ({ 25: '-starttls smtp', 587: '-starttls smtp', 143: '-starttls imap' } as Record<number, string>)[port] ?? ''
  return sh('client', `echo | timeout 10 openssl s_client ${starttls} -connect ${ip(host)}:${port} 2>/dev/null | openssl x509 -noout -fingerprint -sha256`)
}
/** The mail ports whose certificate clients know: SMTP STARTTLS, IMAP STARTTLS, IMAPS, POP3S. */
const TLS_PORTS = [25, 587, 143, 993, 995]

/** What was changed on new after the cutover: alice's hash, the aliases file, a main.cf setting, master.cf. */
const newState = () => sh('new', 'getent shadow alice | cut -d: -f2; sha256sum /etc/aliases; postconf -h message_size_limit; sha256sum /etc/postfix/master.cf')

/** A SASL login on `host`:587 after STARTTLS: the server's answer to AUTH PLAIN. */
const submissionLogin = (host: string, user: string, password: string) =>
  sh('client', `{ sleep 1; printf 'EHLO client\\r\\n'; sleep 0.5; printf 'AUTH PLAIN %s\\r\\n' "$(printf '\\0%s\\0%s' ${user} ${password} | base64)"; sleep 1; printf 'QUIT\\r\\n'; } |
    timeout 10 openssl s_client -quiet -starttls smtp -connect ${ip(host)}:587 2>/dev/null | grep -E '^(235|535)' || true`)

const STREAM = `i=0; rm -f /tmp/stream.stop /tmp/stream.sent
until [ -e /tmp/stream.stop ]; do
  i=$((i+1)); if [ $((i % 2)) = 0 ]; then to=alice; else to=bob; fi
  swaks --server 127.0.0.1 --from sender@client.example.test --to "$to@example.test" \\
    --header "Message-Id: <carry-stream-$i-$to@e2e.test>" --header "Subject: stream $i" --body "mail $i" \\
    --silent 2 >/dev/null 2>&1 && echo "carry-stream-$i-$to" >> /tmp/stream.sent
  sleep 0.1
done`

describe('playbooks/migrate.yml carries the queue, the files the config refers to, services and users\' settings', { timeout: 900_000 }, () => {
  let stream: Promise<unknown>
  const tlsOld: Record<number, string> = {}
  let keyLine = ''

  before(async () => {
    lab = await labUp({ mail: true })
    await sh('old', `${SETUP_OLD.replace('"$1"', ip('client'))}`)
    await waitUntil(async () => /deferred/.test(await sh('old', 'postqueue -j')), 30_000, "old's queue to defer")
    for (const port of TLS_PORTS) tlsOld[port] = await fingerprint('old', port)
    assert.notEqual(tlsOld[993], tlsOld[25], "courier's certificate is its own")
    assert.match(tlsOld[993]!, /Fingerprint=/)
    keyLine = (await sh('old', 'sed -n 2p /etc/ssl/mail/mail.key')).trim()
  })
  after(async () => {
    await labExec('client', ['touch', '/tmp/stream.stop']).catch(() => {})
    await labDown()
  })

  it('--check says what would be carried and which queue would move, prints no key, changes nothing', async () => {
    const r = await migrate(['--check'])
    assert.equal(r.code, 0, r.out)
    for (const s of ['/etc/ssl/mail/mail.key [file]', '/etc/ssl/mail/courier.pem [file]', '/etc/ssl/mail/dhparams.pem [file]', '/etc/postfix/virtual [map:hash]', '/etc/postfix/header_checks [file]', '/etc/postfix/sasl/smtpd.conf [file]',
      '/etc/mail/lists/staff.list [include]', '/var/tmp/x.mbox [mbox]', '/home/carol/.forward [userfile]', 'copy /etc/ssl/mail/mail.key', 'inet:localhost:8891 (opendkim)']) {
      assert.ok(r.out.includes(s), `--check output names ${s}`)
    }
    assert.match(r.out, /mail ports of old: 25, 110, 143, 587, 993, 995/)
    assert.match(r.out, /queue: would move 5 queue files of old/)
    assert.ok(keyLine.length > 20 && !r.out.includes(keyLine) && !r.out.includes('PRIVATE KEY'), 'no key material in the output')
    assert.equal(await sh('new', 'ls /etc/ssl/mail 2>/dev/null; getent passwd alice || true'), '')
    assert.equal((await sh('old', "find /var/spool/postfix/deferred /var/spool/postfix/hold -type f | wc -l")).trim(), '5')
  })

  it('prepare refuses before any change when new has its own, different copy of a referenced file', async () => {
    await sh('new', "printf '/^Subject: spam/ REJECT\\n' > /etc/postfix/header_checks")
    const r = await migrate(['--tags', 'prepare'])
    assert.notEqual(r.code, 0, r.out)
    assert.match(r.out, /Refusing to prepare, nothing was changed:\n\/etc\/postfix\/header_checks on new differs from old's and was not put there by tsplay: move new's aside/)
    assert.equal(await sh('new', 'getent passwd alice || true'), '')
    await sh('new', 'rm /etc/postfix/header_checks')
  })

  it('prepare carries every referenced file with owner and mode, ports master.cf and SASL: same certificate, a login on 587', async () => {
    const r = await migrate(['--tags', 'prepare'])
    assert.equal(r.code, 0, r.out)
    assert.equal(await statOf('new'), await statOf('old'))
    assert.equal(await sh('new', 'postmap -q sales@example.test hash:/etc/postfix/virtual; postmap -q remote.test hash:/etc/postfix/transport'), `alice\nsmtp:[${ip('client')}]:2525\n`)
    assert.match(await sh('new', 'postconf -P submission/inet/smtpd_tls_security_level submission/inet/smtpd_sasl_auth_enable'), /= encrypt\n.*= yes/)
    for (const port of [25, 587]) assert.equal(await fingerprint('new', port), tlsOld[port], `STARTTLS certificate on ${port}`)
    const alice = MAIL_USERS[0]!
    assert.match(await submissionLogin('new', alice.name, alice.password), /^235 /)
    assert.match(await submissionLogin('new', alice.name, 'wrong'), /^535 /)
    stream = labExec('client', ['bash', '-c', STREAM])
    await waitUntil(async () => Number(await sh('client', 'wc -l < /tmp/stream.sent 2>/dev/null || echo 0')) >= 5, 30_000, 'the stream to start')
  })

  it('the cutover preflight refuses, naming it, a milter old uses that does not answer on new', async () => {
    const r = await migrate(['--tags', 'cutover'])
    assert.notEqual(r.code, 0, r.out)
    assert.match(r.out, /Refusing to cut over:[^]*postfix on old talks to inet:localhost:8891 \(opendkim\); nothing answers there on new/)
    assert.doesNotMatch(r.out, /Stop courier and postfix on old/)
    // The admin sets the milter up on new, as on old.
    await sh('new', "printf 'Mode v\\nSocket inet:8891@localhost\\nPidFile /tmp/opendkim.pid\\nUserID opendkim\\nSyslog no\\n' > /etc/opendkim-lab.conf && opendkim -x /etc/opendkim-lab.conf")
  })

  it('the whole playbook cuts over, moves the queue, and verify counts it and resolves every alias', async () => {
    const r = await migrate([])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /queue: 5 moved from old \(deferred 3, hold 2\), held mail stays held/)
    assert.match(r.out, /verify: 0 messages missing, 0 differ;.*aliases: all \d+ of old resolve on new as on old; queue: 5 moved, 0 left on old/)
    // The mailbox set: root's Maildir and a home outside /home are synced and verified too.
    assert.match(r.out, /verify: 0 messages missing[^\n]*dave 1→1/)
    // root is the postmaster: postfix's notices (delays, milter errors) may reach it on either
    // host during the run, so its counts only have to keep every message old had.
    const root = /verify: 0 messages missing[^\n]*root (\d+)→(\d+)/.exec(r.out)
    assert.ok(root && Number(root[1]) >= 1 && Number(root[2]) >= Number(root[1]), r.out)
    assert.match(await sh('new', 'grep -l "<dave-1@old.test>" /srv/mail/dave/Maildir/cur/*; stat -c %U /srv/mail/dave/Maildir/cur/*'), /dave\n$/)
    assert.match(await sh('new', 'grep -l "<root-1@old.test>" /root/Maildir/cur/*'), /root\/Maildir/)
    // alice's home moved as a whole, her cache (mail_home_exclude's default) did not.
    const home = "stat -c '%n %U:%G %a %s' /home/alice/notes /home/alice/notes/plan.txt; cat /home/alice/notes/plan.txt"
    assert.equal(await sh('new', home), await sh('old', home))
    assert.equal(await sh('new', 'ls -A /home/alice/.cache 2>/dev/null || true'), '')
    assert.match(r.out, /homes \(presync\): [^\n]*\/home\/alice\/ \d+ files[^\n]*left out: \/Maildir\/ \(mail-sync's\), \/\.cache\//)
    assert.match(r.out, /homes \(final\): [^\n]*\/home\/alice\//)
    // IMAP STARTTLS, IMAPS and POP3S on new present courier's certificate from old, at its own path.
    for (const port of TLS_PORTS) assert.equal(await fingerprint('new', port), tlsOld[port], `TLS certificate on ${port} of new`)
    const outage = /outage window: (\d+\.\d) s/.exec(r.out)
    console.log(`# carry cutover run ${(r.ms / 1000).toFixed(1)} s, outage window ${outage?.[1]} s`)
  })

  it('on new, mail goes through the :include: list, the file alias, the virtual alias and the .forward', async () => {
    const send = (to: string, id: string) => sh('client', `swaks --server ${ip('new')} --from sender@client.example.test --to ${to}@example.test --header 'Message-Id: <${id}@e2e.test>' --silent 2`)
    await send('staff', 'carry-staff')
    await send('filealias', 'carry-file')
    await send('sales', 'carry-sales')
    await send('carol', 'carry-carol')
    const has = async (path: string, id: string) => (await sh('new', `grep -rlsF '<${id}@e2e.test>' ${path} || true`)).length > 0
    await waitUntil(async () => (await has('/home/alice/Maildir', 'carry-staff')) && (await has('/home/bob/Maildir', 'carry-staff')), 30_000, 'staff@ to reach alice and bob')
    await waitUntil(() => has('/var/tmp/x.mbox', 'carry-file'), 30_000, 'filealias@ to reach /var/tmp/x.mbox')
    assert.match(await sh('new', 'cat /var/tmp/x.mbox'), /Subject: archived on old/)
    await waitUntil(() => has('/home/alice/Maildir', 'carry-sales'), 30_000, 'sales@ to reach alice')
    await waitUntil(() => has('/home/bob/Maildir', 'carry-carol'), 30_000, "carol's .forward to send her mail to bob")
  })

  it("old's queue is on new: the deferred mail leaves from new, held mail (remote and local) stays held until released", async () => {
    assert.equal((await sh('old', 'find /var/spool/postfix/incoming /var/spool/postfix/active /var/spool/postfix/deferred /var/spool/postfix/hold -type f | wc -l')).trim(), '0')
    assert.equal((await sh('new', `postqueue -j | grep -c '"queue_name": *"hold"'`)).trim(), '2')
    // remote.test starts to accept mail (on client, port 2525).
    await sh('client', `id far >/dev/null 2>&1 || useradd -M far
postconf -e 'mydestination = $myhostname, localhost, remote.test'
postconf -M '2525/inet=2525 inet n - n - - smtpd'
/etc/init.d/postfix reload >/dev/null`)
    await sh('new', 'postqueue -f')
    const far = async () => sh('client', 'grep -ho "^Message-I[dD]: <[a-z]*-[0-9]@old.test>" /var/mail/far 2>/dev/null | sort || true')
    await waitUntil(async () => (await far()).split('\n').filter(Boolean).length >= 3, 60_000, 'the deferred mail to arrive from new')
    assert.doesNotMatch(await far(), /held-1/)
    await sh('new', 'postsuper -H ALL && postqueue -f')
    await waitUntil(async () => /held-1/.test(await far()), 60_000, 'the released mail to arrive from new')
    await waitUntil(async () => (await sh('new', "grep -rlsF '<held-local@old.test>' /home/alice/Maildir || true")).length > 0, 60_000, 'the released local mail to reach alice on new')
    assert.deepEqual((await far()).split('\n').filter(Boolean).map((l) => l.replace(/^.*</, '<')), ['<held-1@old.test>', '<queued-1@old.test>', '<queued-2@old.test>', '<queued-3@old.test>'])
  })

  it('every streamed mail arrives on new exactly once', async () => {
    await sh('client', 'touch /tmp/stream.stop')
    await stream
    await sh('client', 'postqueue -f')
    await waitUntil(async () => /Mail queue is empty/.test(await sh('client', 'postqueue -p')), 90_000, "client's queue to empty")
    const sent = (await sh('client', 'cat /tmp/stream.sent')).split('\n').filter(Boolean)
    const found = (await sh('new', "grep -rhoi '^Message-Id: <carry-stream-[^>]*>' /home/alice/Maildir /home/bob/Maildir | sed -E 's/^[^<]*<([^@]*)@.*/\\1/'")).split('\n').filter(Boolean)
    console.log(`# carry stream: ${sent.length} sent, ${found.length} arrived on new`)
    assert.deepEqual(sent.filter((id) => !found.includes(id)), [])
    assert.equal(found.length, new Set(found).size, 'no duplicates')
  })

  it("the decommission backup holds the same mailbox set: homes outside /home, root's Maildir, alias file targets", async () => {
    const dest = mkdtempSync(join(tmpdir(), 'tsplay-carry-backup-'))
    try {
      const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, join(projectRoot(), 'playbooks', 'decommission.yml'), '-i', lab.inventoryDir, '--tags', 'backup',
          '-e', `backup_dest=${dest}`, '-e', '{"backup_paths": ["/etc/postfix"]}'], { env: { ...process.env, CI: 'true', NO_COLOR: '1' } })
        let out = ''
        child.stdout.on('data', (d) => (out += d))
        child.stderr.on('data', (d) => (out += d))
        child.on('close', (code) => resolve({ code, out }))
      })
      assert.equal(r.code, 0, r.out)
      const [name] = readdirSync(dest)
      const list = spawnSync('tar', ['-tzf', join(dest, name!, 'data.tar.gz')], { encoding: 'utf8' }).stdout
      assert.match(list, /^srv\/mail\/dave\/Maildir\/cur\/1700000000/m)
      assert.match(list, /^root\/Maildir\/cur\/1700000001/m)
      assert.match(list, /^var\/tmp\/x\.mbox$/m)
      assert.match(list, /^etc\/postfix\/main\.cf$/m)
    } finally {
      rmSync(dest, { recursive: true, force: true })
    }
  })

  it("after the cutover prepare refuses to copy old over new: a password, an alias and a setting changed on new stay", async () => {
    await sh('new', `echo 'alice:changed-on-new' | chpasswd
printf 'newonly: bob\\n' >> /etc/aliases && sed -i 's/^staff:.*/staff: alice/' /etc/aliases && newaliases
postconf -e message_size_limit=12345678`)
    const before = await newState()
    const r = await migrate(['--tags', 'prepare'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /prepare refused: cutover already done \(cut over to new .*\)\. new is the live server;.*Nothing was copied\./)
    assert.doesNotMatch(r.out, /changed: \[new/)
    assert.equal(await newState(), before)
  })

  it('after the cutover, mail_prepare_add_missing shows the diff, then adds a user and a setting made on old, and keeps what new changed', async () => {
    await sh('old', `useradd -m -u 2010 -s /bin/bash erin && echo 'erin:erin-pass' | chpasswd
printf 'erinlist: erin\\n' >> /etc/aliases && newaliases && postconf -e smtpd_helo_required=yes`)
    const before = await newState()
    const r = await migrate(['--tags', 'prepare', '-e', 'mail_prepare_add_missing=true'])
    assert.equal(r.code, 0, r.out)
    const diff = /add-missing after the cutover[^\n]*\+ users: erin \(2010\); \+ groups: [^;]*; \+ aliases: erinlist; \+ main\.cf: smtpd_helo_required = yes;/.exec(r.out)
    assert.ok(diff, r.out)
    assert.ok(diff.index < r.out.indexOf('Mail users old has and new lacks'), 'the diff is shown before anything changes')
    // Added: erin with old's hash and a Maildir, her alias, the setting.
    assert.equal(await sh('new', 'getent shadow erin | cut -d: -f2; stat -c %U /home/erin/Maildir/new; postalias -q erinlist hash:/etc/aliases; postconf -h smtpd_helo_required'),
      `${(await sh('old', 'getent shadow erin | cut -d: -f2')).trim()}\nerin\nerin\nyes\n`)
    // Kept: what was changed on new after the cutover (alice's password, staff, newonly, message_size_limit).
    const [hash, , size, master] = before.split('\n')
    assert.deepEqual((await newState()).split('\n').filter((_, i) => i !== 1), [hash, size, master, ''])
    assert.equal(await sh('new', 'postalias -q staff hash:/etc/aliases; postalias -q newonly hash:/etc/aliases'), 'alice\nbob\n')
  })
})
