// The lab on real namespaces (root only): one mail lab shared by the checks, then teardown
// guarantees, then a bring-up killed half way and cleaned from its state file.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { connect } from 'node:net'
import { existsSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { labDown, labExec, labStatus, labUp, formatStatus, pop3Uidl, imapFolders, MAIL_USERS } from '../../src/lab/index.js'
import { SUBNET_PREFIX } from '../../src/lab/config.js'
import { readState } from '../../src/lab/state.js'
import type { LabState } from '../../src/lab/types.js'
import { leftovers, skipReason, TEST_INVENTORY_DIR, TEST_STATE_DIR } from './helpers.js'
import { unlessCi } from '../helpers/skip.js'

const run = promisify(execFile)
const skip = unlessCi(skipReason())
const opts = { stateDir: TEST_STATE_DIR, inventoryDir: TEST_INVENTORY_DIR }

describe('a mail lab with one bench host', { skip }, () => {
  let state: LabState
  let pids: number[] = []
  const timings: string[] = []

  before(async () => {
    await labDown(opts) // a previous interrupted run
    const t = Date.now()
    state = await labUp({ ...opts, mail: true, hosts: 1, messagesPerUser: 10 })
    timings.push(`up ${Date.now() - t} ms`)
    pids = state.hosts.flatMap((h) => [h.initPid!, h.unsharePid!])
  })
  after(async () => {
    await labDown(opts)
    if (timings.length) console.log(`# lab timings: ${timings.join(', ')}`)
  })

  test('status shows every host alive with its services listening', async () => {
    const s = await labStatus(opts)
    assert.equal(s.up, true, formatStatus(s))
    const ports = Object.fromEntries(s.hosts.map((h) => [h.name, h.ports]))
    assert.deepEqual(Object.keys(ports), ['old', 'new', 'client', 'h1'])
    for (const p of [22, 25, 110, 143]) assert.ok(ports.old!.includes(p), `old listens on ${p}`)
    assert.ok(ports.client!.includes(25) && ports.h1!.includes(22))
    assert.match(formatStatus(s), new RegExp(`old\\s+${SUBNET_PREFIX.replace(/\./g, '\\.')}\\.10\\s+mail\\s+up pid`))
  })

  test('a file written on old is absent on new, and /etc differs per host', async () => {
    const w = await labExec('old', ['sh', '-c', 'echo only-old > /etc/lab-isolation && cat /etc/hostname'], opts)
    assert.equal(w.stdout.trim(), 'old')
    const r = await labExec('new', ['sh', '-c', 'test -e /etc/lab-isolation; echo $?; cat /etc/hostname'], opts)
    assert.deepEqual(r.stdout.trim().split('\n'), ['1', 'new'])
    assert.ok(!existsSync('/etc/lab-isolation'), 'the machine itself is untouched')
  })

  test('mail users exist on old only, and the machine home dirs do not leak in', async () => {
    const old = await labExec('old', ['sh', '-c', 'getent passwd alice bob carol | cut -d: -f1,3; ls -A /root'], opts)
    assert.match(old.stdout, /alice:2001\nbob:2002\ncarol:2003/)
    assert.doesNotMatch(old.stdout, /\.npmrc|\.pyenv/)
    const nw = await labExec('new', ['getent', 'passwd', 'alice'], opts)
    assert.equal(nw.rc, 2)
  })

  test('ssh with the lab ssh_config and known_hosts reaches every host as root', async () => {
    for (const h of state.hosts) {
      const { stdout } = await run('ssh', ['-F', state.ssh.config, h.name, 'echo $(hostname) $(id -u)'])
      assert.equal(stdout.trim(), `${h.name} 0`)
    }
  })

  test('SMTP sent with swaks on client lands in old’s Maildir', async () => {
    const subject = `lab-probe-${Date.now()}`
    const s = await labExec('client', ['swaks', '--server', '127.0.0.1', '--to', 'bob@example.test', '--from', 'probe@client.example.test',
      '--header', `Subject: ${subject}`, '--silent', '2'], opts)
    assert.equal(s.rc, 0, s.stderr)
    const deadline = Date.now() + 15_000
    for (;;) {
      const g = await labExec('old', ['sh', '-c', `grep -l "Subject: ${subject}" /home/bob/Maildir/new/* 2>/dev/null`], opts)
      if (g.rc === 0) break
      assert.ok(Date.now() < deadline, 'mail did not arrive on old within 15 s')
      await new Promise((r) => setTimeout(r, 200))
    }
  })

  test('POP3 and IMAP logins with a password work on old; the generated mail is there', async () => {
    const u = MAIL_USERS[0]!
    const pop = await pop3Uidl(`${SUBNET_PREFIX}.10`, u.name, u.password)
    assert.ok(pop.count >= 5, `alice has ${pop.count} messages in INBOX`)
    assert.equal(pop.uidl[0], 'UID1-1700000000', 'courier kept the generated UID list')
    await assert.rejects(pop3Uidl(`${SUBNET_PREFIX}.10`, u.name, 'wrong-password'), /login as alice .* failed/)
    const folders = await imapFolders(`${SUBNET_PREFIX}.10`, u.name, u.password)
    assert.ok(folders.includes('INBOX.Old Projects') && folders.includes('INBOX.Sent'), folders.join(', '))
  })

  test('every host has its ULA IPv6 address, and old answers SMTP over IPv6 from the controller', async () => {
    for (const h of state.hosts) {
      const r = await labExec(h.name, ['ip', '-6', 'addr', 'show', 'dev', 'eth0'], opts)
      assert.match(r.stdout, new RegExp(`inet6 ${h.ip6}/64 `), h.name)
    }
    const old = state.hosts.find((h) => h.name === 'old')!
    const banner = await new Promise<string>((resolve, reject) => {
      const sock = connect({ host: old.ip6!, port: 25, family: 6 })
      sock.once('data', (d) => { resolve(d.toString()); sock.destroy() })
      sock.once('error', reject)
    })
    assert.match(banner, /^220 old\.example\.test/)
  })

  test('the inventory lists the hosts, their groups and lab facts', () => {
    const hosts = readFileSync(`${TEST_INVENTORY_DIR}/hosts.yml`, 'utf8')
    assert.match(hosts, new RegExp(`old:\\n\\s+tsplay_host: "${SUBNET_PREFIX.replace(/\./g, '\\.')}\\.10"`))
    assert.match(hosts, /mail:\n\s+hosts:\n\s+old: \{\}\n\s+new: \{\}/)
    assert.match(hosts, /bench:\n\s+hosts:\n\s+h1: \{\}/)
    assert.match(readFileSync(`${TEST_INVENTORY_DIR}/group_vars/all.yml`, 'utf8'), /mail_domain: "example\.test"/)
  })

  test('a second bring-up while the lab is up is refused with a clear message', async () => {
    await assert.rejects(labUp({ ...opts, mail: true }), /A lab is already up/)
  })

  test('down removes every namespace, veth, mount, process and file; down twice is fine', async () => {
    const t = Date.now()
    await labDown(opts)
    timings.push(`down ${Date.now() - t} ms`)
    assert.deepEqual(leftovers(TEST_STATE_DIR, pids), [])
    assert.ok(!existsSync(`${TEST_INVENTORY_DIR}/hosts.yml`))
    await labDown(opts)
    assert.equal((await labStatus(opts)).up, false)
  })
})

describe('after a crash', { skip }, () => {
  test('down cleans up a bring-up killed half way, from the state file alone', async () => {
    const up = fileURLToPath(new URL('../../src/lab/index.js', import.meta.url))
    const script = `import { labUp } from ${JSON.stringify(up)}
await labUp({ stateDir: ${JSON.stringify(TEST_STATE_DIR)}, inventoryDir: ${JSON.stringify(TEST_INVENTORY_DIR)}, hosts: 2, log: (l) => console.log(l) })`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        // Kill it once hosts are being started: namespaces and inits exist, bring-up unfinished.
        if (out.includes('Starting')) setTimeout(() => { child.kill('SIGKILL'); resolve() }, 300)
      })
      child.on('exit', () => resolve())
      child.on('error', reject)
    })
    await new Promise((r) => setTimeout(r, 100))
    const state = readState(TEST_STATE_DIR)
    assert.ok(state, 'the crashed bring-up left its state file')
    const pids = state.hosts.flatMap((h) => [h.initPid, h.unsharePid]).filter((p): p is number => p !== undefined)
    await labDown({ stateDir: TEST_STATE_DIR })
    assert.deepEqual(leftovers(TEST_STATE_DIR, pids), [])
  })
})
