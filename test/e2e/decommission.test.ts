// playbooks/decommission.yml on real test hosts, after a short migration: the forward goes (and
// only its rules), old is backed up to the controller and verified there, and wipe-disk refuses
// without old's own name, then wipes a small tmpfs mounted inside old (never the machine's disk).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { labDown, labExec, labUp } from '../../src/lab/index.js'
import { projectRoot } from '../../src/lab/config.js'
import type { LabState } from '../../src/lab/index.js'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')
const playbooks = join(projectRoot(), 'playbooks')

let lab: LabState
let backups: string
/** The stand-in for old's disk: a tmpfs in old's own mount namespace, gone with the host. */
const DISK = '/mnt/tsplay-wipe-lab'
const WIPE_VARS = JSON.stringify({ wipe_paths: [`${DISK}/home`, `${DISK}/etc`], wipe_filesystems: [DISK], wipe_passes: 2, wipe_size_cap: 4194304 })

function play(file: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, join(playbooks, file), '-i', lab.inventoryDir, ...args], { env: { ...process.env, CI: 'true', NO_COLOR: '1' } })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('close', (code) => resolve({ code, out }))
  })
}
const decommission = (args: string[]) => play('decommission.yml', ['-e', `backup_dest=${backups}`, '-e', '{"backup_paths": ["/home", "/etc/postfix", "/var/mail"]}', ...args])

async function sh(host: string, script: string): Promise<string> {
  const r = await labExec(host, ['bash', '-c', script])
  return r.stdout
}
const tagged = async (): Promise<string[]> => (await sh('old', 'iptables -t nat -S; iptables -S')).split('\n').filter((l) => l.includes('tsplay-forward'))

describe('playbooks/decommission.yml on the lab, after a short migration', { timeout: 240_000 }, () => {
  before(async () => {
    lab = await labUp({ mail: true, messagesPerUser: 3 })
    backups = mkdtempSync(join(tmpdir(), 'tsplay-decommission-'))
    const r = await play('migrate.yml', ['--tags', 'prepare,presync,cutover'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /outage window: \d+\.\d s/)
    // A rule of the site's own, which the decommission must leave alone.
    await sh('old', 'iptables -A INPUT -p tcp --dport 2222 -m comment --comment site-own-rule -j ACCEPT')
    await sh('old', `mkdir -p ${DISK} && mount -t tmpfs -o size=16m tmpfs ${DISK}
mkdir -p ${DISK}/home/alice ${DISK}/etc ${DISK}/keep
echo secret > ${DISK}/home/alice/mail; echo key > ${DISK}/etc/shadow; echo other > ${DISK}/keep/file`)
  })
  after(async () => {
    await labDown()
    if (backups) rmSync(backups, { recursive: true, force: true })
  })

  it('removes the forward rules and only them, and backs old up to the controller (verified)', async () => {
    assert.equal((await tagged()).length, 10)
    const r = await decommission([])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /port 25: \d+ connection\(s\)/)
    assert.deepEqual(await tagged(), [])
    assert.match(await sh('old', 'iptables -S INPUT'), /site-own-rule/)
    assert.doesNotMatch(r.out, /TASK \[wipe-disk :/, 'no wipe without wipe_confirm')
    assert.equal(await sh('old', `cat ${DISK}/home/alice/mail`), 'secret\n')
    const [name] = readdirSync(backups)
    assert.ok(name?.startsWith('old-'), `backup folder ${name}`)
    const dir = join(backups, name!)
    const check = spawnSync('sha256sum', ['--check', '--quiet', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })
    assert.equal(check.status, 0, check.stdout + check.stderr)
    const list = spawnSync('tar', ['-tzf', join(dir, 'data.tar.gz')], { encoding: 'utf8' }).stdout
    assert.match(list, /^home\/alice\/Maildir\//m)
    assert.match(list, /^etc\/postfix\/main\.cf$/m)
    assert.ok(existsSync(join(dir, 'dpkg-selections.txt')))
  })

  it('a second run of the forward part changes nothing', async () => {
    const r = await decommission(['--tags', 'forward'])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /old\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0/)
    assert.match(await sh('old', 'iptables -S INPUT'), /site-own-rule/)
  })

  it("wipe-disk refuses without old's own name and touches nothing", async () => {
    const r = await decommission(['--tags', 'wipe', '-e', 'wipe_confirm=new', '-e', WIPE_VARS])
    assert.notEqual(r.code, 0, r.out)
    assert.match(r.out, /wipe-disk refused on old: wipe_confirm is 'new', but this host is named 'old'/)
    assert.equal(await sh('old', `cat ${DISK}/home/alice/mail ${DISK}/etc/shadow`), 'secret\nkey\n')
  })

  it('with wipe_confirm=old it deletes the paths and fills the tmpfs, twice, then removes the fill', async () => {
    const r = await decommission(['--tags', 'wipe', '-e', 'wipe_confirm=old', '-e', WIPE_VARS])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, new RegExp(`pass 1/2 on ${DISK} \\(tmpfs\\): 4194304 bytes`))
    assert.match(r.out, new RegExp(`pass 2/2 on ${DISK} \\(tmpfs\\)`))
    assert.equal(await sh('old', `ls -A ${DISK}`), 'keep\n')
    assert.equal(await sh('old', `cat ${DISK}/keep/file`), 'other\n')
    // The host's own files are untouched: only the tmpfs was named.
    assert.match(await sh('old', 'ls /home; test -f /etc/postfix/main.cf && echo etc-ok'), /alice[^]*etc-ok/)
  })

  it('a second wipe has nothing left to delete (the fill is an action and runs again)', async () => {
    const r = await decommission(['--tags', 'wipe', '-e', 'wipe_confirm=old', '-e', WIPE_VARS])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, /TASK \[wipe-disk : Delete the sensitive directories\][^\n]*\nok: \[old\] => \(item=\/mnt\/tsplay-wipe-lab\/home\)\nok: \[old\] => \(item=\/mnt\/tsplay-wipe-lab\/etc\)\n/)
    assert.equal(await sh('old', `ls -A ${DISK}`), 'keep\n')
  })
})
