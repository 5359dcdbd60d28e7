// The dns phase on real test hosts: client runs a real bind9 serving example.test (MX →
// mail.example.test → old), every host resolves through it. The phase reports MX and TTL, warns
// about long TTLs (also in presync), moves the MX target to new by RFC 2136 with the lab's TSIG
// key, idempotently, refuses cleanly with a wrong key, and prints the forward's NAT counters.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { labDown, labExec, labUp } from '../../src/lab/index.js'
import { projectRoot } from '../../src/lab/config.js'
import type { LabState } from '../../src/lab/index.js'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')
const playbook = join(projectRoot(), 'playbooks', 'migrate.yml')

let lab: LabState
const ip = (h: string): string => lab.hosts.find((x) => x.name === h)!.ip

function migrate(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, playbook, '-i', lab.inventoryDir, ...args], { env: { ...process.env, CI: 'true', NO_COLOR: '1' } })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('close', (code) => resolve({ code, out }))
  })
}

async function sh(host: string, script: string): Promise<string> {
  return (await labExec(host, ['bash', '-c', script])).stdout
}

/** The A record of the MX target, straight from the lab's bind9 ("TTL ADDRESS"). */
async function mxTargetA(): Promise<string> {
  return (await sh('new', `dig +noall +answer @${lab.dns!.server} mail.example.test A | awk '{print $2, $5}'`)).trim()
}

const WRONG_KEY = Buffer.alloc(32, 7).toString('base64')

describe('dns phase against the lab bind9', { timeout: 180_000 }, () => {
  before(async () => {
    // A long TTL from the start, as a site that did not lower it yet.
    lab = await labUp({ mail: true, messagesPerUser: 2, dnsTtl: 86400 })
  })
  after(async () => {
    await labDown()
  })

  it('the lab serves example.test from bind9 on client, and hosts resolve through it', async () => {
    assert.equal(lab.dns?.server, ip('client'))
    assert.match(await sh('old', 'cat /etc/resolv.conf'), new RegExp(`nameserver ${ip('client').replace(/\./g, '\\.')}`))
    assert.match(await sh('new', 'dig +noall +answer MX example.test'), /^example\.test\.\s+86400\s+IN\s+MX\s+10 mail\.example\.test\.$/m)
    assert.equal(await mxTargetA(), `86400 ${ip('old')}`)
  })

  it('reports each domain’s MX target and TTL and warns that 86400 s is long', async () => {
    const r = await migrate(['--tags', 'dns'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, new RegExp(`example\\.test: MX 10 mail\\.example\\.test \\(TTL 86400 s\\) -> ${ip('old').replace(/\./g, '\\.')} \\(TTL 86400 s\\)`))
    assert.match(r.out, /WARNING example\.test: TTL 86400 s is longer than 3600 s/)
    assert.doesNotMatch(r.out, /dns update/, 'no update without mail_dns_update')
    assert.equal(await mxTargetA(), `86400 ${ip('old')}`)
  })

  it('presync warns about the long TTL too, days before the cutover', async () => {
    const r = await migrate(['--tags', 'presync', '--check'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /TASK \[DNS TTL before the cutover\][^]*WARNING example\.test: TTL 86400 s is longer than 3600 s/)
  })

  it('a wrong TSIG key fails clearly and changes nothing', async () => {
    const r = await migrate(['--tags', 'dns', '-e', 'mail_dns_update=true', '-e', `mail_dns_tsig_secret=${WRONG_KEY}`])
    assert.notEqual(r.code, 0, r.out)
    assert.match(r.out, /update failed: NOTAUTH\(BADSIG\)/)
    assert.match(r.out, /DNS update at [\d.]+ failed, nothing was changed/)
    assert.equal(await mxTargetA(), `86400 ${ip('old')}`)
  })

  it('--check reports the planned update and changes nothing', async () => {
    const r = await migrate(['--tags', 'dns', '--check', '-e', 'mail_dns_update=true', '-e', 'mail_dns_ttl=300'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, new RegExp(`would update\\): mail\\.example\\.test A at [\\d.]+: ${ip('old').replace(/\./g, '\\.')} \\(TTL 86400 s\\) -> ${ip('new').replace(/\./g, '\\.')} \\(TTL 300 s\\)`))
    assert.equal(await mxTargetA(), `86400 ${ip('old')}`)
  })

  it("nsupdate moves the MX target to new's address on the real bind9; the resolver answers it", async () => {
    const r = await migrate(['--tags', 'dns', '-e', 'mail_dns_update=true', '-e', 'mail_dns_ttl=300'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /TASK \[Point the MX target at new\][^]*changed: \[old/)
    assert.match(r.out, new RegExp(`dns: the resolver on old answers mail\\.example\\.test A ${ip('new').replace(/\./g, '\\.')} \\(new\\)`))
    assert.equal(await mxTargetA(), `300 ${ip('new')}`)
    assert.match(await sh('client', 'tail -20 /var/log/named.log'), /updating zone 'example\.test\/IN'/)
  })

  it('a second run changes nothing (the record is already right)', async () => {
    const r = await migrate(['--tags', 'dns', '-e', 'mail_dns_update=true', '-e', 'mail_dns_ttl=300'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /mail\.example\.test A at [\d.]+ is already [\d.]+ \(TTL 300 s\)/)
    assert.match(r.out, /old\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0/)
    assert.equal(await mxTargetA(), `300 ${ip('new')}`)
  })

  it('prints the NAT counters of the forward per port (clients still using the old address)', async () => {
    // The forward as the cutover leaves it, for port 25 only; one connection from client through it.
    await sh('old', `sysctl -qw net.ipv4.ip_forward=1
iptables -t nat -A PREROUTING -p tcp ! -s ${ip('new')} --dport 25 -m comment --comment tsplay-forward -j DNAT --to-destination ${ip('new')}
iptables -t nat -A POSTROUTING -d ${ip('new')} -m comment --comment tsplay-forward -j MASQUERADE`)
    assert.match(await sh('client', `exec 3<>/dev/tcp/${ip('old')}/25; head -1 <&3; echo QUIT >&3`), /^220 new\.example\.test/)
    const r = await migrate(['--tags', 'dns'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, new RegExp(`port 25: 1 connection\\(s\\), \\d+ bytes forwarded to ${ip('new').replace(/\./g, '\\.')}`))
  })
})
