// The report of a real migration on the lab: written by default beside its run log, the same when
// drawn again from that log, with the presync's progress in it, rendered by a real headless
// Chromium: the page is not blank and shows the outage window and the mailbox table.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateMaildir, labDown, labUp, MAIL_USERS, type LabState } from '../../src/lab/index.js'
import { hostPath } from '../../src/lab/exec.js'
import { projectRoot } from '../../src/lab/config.js'
import { readPng } from '../helpers/png.js'
import { unlessCi } from '../helpers/skip.js'
import { skipReason } from '../lab/helpers.js'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')
/** Messages added to alice's mailbox on old: enough for a presync of a few seconds. */
const BULK = 20_000

const hasChromium = spawnSync('chromium', ['--version'], { encoding: 'utf8' }).status === 0
const skip = unlessCi(skipReason() ?? (hasChromium ? false : 'chromium is not installed (scripts/install-deps.sh)'))

let lab: LabState
let tmp: string

/** Headless Chromium with a throwaway profile; `args` say what to produce. */
function chromium(args: string[]): { stdout: string; status: number | null; stderr: string } {
  const profile = mkdtempSync(join(tmpdir(), 'tsplay-chromium-'))
  try {
    const r = spawnSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-extensions', '--disable-dev-shm-usage', `--user-data-dir=${profile}`, '--hide-scrollbars', ...args], {
      encoding: 'utf8',
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: '/dev/null' },
      maxBuffer: 64 << 20,
      timeout: 120_000,
    })
    return { stdout: r.stdout, status: r.status, stderr: r.stderr }
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: tmp, env: { ...process.env, CI: 'true', NO_COLOR: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

describe('the run report of a lab migration', { skip, timeout: 600_000 }, () => {
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tsplay-migration-report-'))
    lab = await labUp({ mail: true })
    const old = lab.hosts.find((h) => h.name === 'old')!
    const alice = MAIL_USERS[0]!
    await generateMaildir(hostPath(old, `/home/${alice.name}/Maildir/.Bulk`), { messages: BULK, hostname: 'old.example.test', user: alice.name, profile: 'small', folders: false, uid: alice.uid, gid: alice.uid })
  })
  after(async () => {
    await labDown()
    rmSync(tmp, { recursive: true, force: true })
  })

  let html = ''
  let log = ''
  it('the migration writes its report and run log by default and says where', async () => {
    const r = await run([join(projectRoot(), 'playbooks', 'migrate.yml'), '-i', lab.inventoryDir])
    assert.equal(r.code, 0, r.stdout + r.stderr)
    const m = /^report: (\S+\.html) \(run log: (\S+\.ndjson);/m.exec(r.stderr)
    assert.ok(m, r.stderr)
    assert.deepEqual(readdirSync(join(tmp, 'tsplay-runs')).sort(), [m[2]!, m[1]!].map((p) => p.split('/').pop()!).sort())
    html = readFileSync(m[1]!, 'utf8')
    log = m[2]!
  })

  it('the presync reports its progress while it copies', () => {
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>)
    const presync = events.findIndex((e) => e.kind === 'play-start' && /^presync/.test(e.name))
    const cutover = events.findIndex((e) => e.kind === 'play-start' && /^cutover/.test(e.name))
    // One rsync per mailbox path (a loop): alice's is the big one.
    const progress = events.slice(presync, cutover).filter((e) => e.kind === 'progress' && /Pull the mail from the source/.test(e.task) && /alice/.test(e.label))
    assert.ok(progress.length >= 2, `${progress.length} progress events for alice's presync`)
    const last = progress.at(-1)!
    assert.ok(last.files >= BULK, `last progress counts ${last.files} files`)
    assert.ok(last.bytes > 0 && last.bytesPerSecond > 0)
    assert.equal(last.totalFiles, last.files)
  })

  it('the report drawn again from the run log is the same page', () => {
    const again = join(tmp, 'again.html')
    const r = spawnSync(process.execPath, [cli, 'report', log, '-o', again], { encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    assert.equal(readFileSync(again, 'utf8'), html)
  })

  it('Chromium renders the report: not blank, with the outage window and the mailbox table', () => {
    const file = join(tmp, 'tsplay-runs', readdirSync(join(tmp, 'tsplay-runs')).find((f) => f.endsWith('.html'))!)
    const dom = chromium(['--dump-dom', `file://${file}`])
    assert.equal(dom.status, 0, dom.stderr)
    assert.match(dom.stdout, /<div class="cardtitle">Outage window<\/div><div class="big">\d+(\.\d+)? s<\/div>/)
    assert.match(dom.stdout, /<rect class="win outage"/)
    assert.match(dom.stdout, /<text class="winlabel outage"[^>]*>outage \d/)
    const table = /<table class="list mailboxes">(.*?)<\/table>/s.exec(dom.stdout)
    assert.ok(table, 'the mailbox table')
    for (const u of MAIL_USERS) assert.match(table[1]!, new RegExp(`<th>${u.name}</th>(<td class="n">\\d+</td>){2}<td class="n">0</td><td class="n">0</td>`))
    assert.match(table[1]!, /all there/)
    assert.match(dom.stdout, /<th>moved_to_new<\/th><td>queue: \d+ moved/)
    assert.doesNotMatch(table[1]!, /MISSING/)
    for (const h of ['Mail queue moved', 'Users checked', 'Aliases checked', 'DNS answers and TTLs', "The forward's NAT counters"]) assert.ok(dom.stdout.includes(`<h3>${h.replace(/'/g, '&#39;')}`) || dom.stdout.includes(`<h3>${h}`), h)

    const png = join(tmp, 'report.png')
    const shot = chromium(['--window-size=1150,1400', `--screenshot=${png}`, `file://${file}`])
    assert.equal(shot.status, 0, shot.stderr)
    const { width, height, rgba } = readPng(readFileSync(png))
    assert.deepEqual([width, height], [1150, 1400])
    let inked = 0
    const colors = new Set<number>()
    for (let i = 0; i < rgba.length; i += 4) {
      const [r, g, b] = [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!]
      if (r + g + b < 600) inked++
      colors.add((r >> 4) * 256 + (g >> 4) * 16 + (b >> 4))
    }
    // Text, bars and tables: a good share of the page is drawn, in many colors.
    assert.ok(inked / (width * height) > 0.02, `${((inked / (width * height)) * 100).toFixed(2)}% of the pixels drawn`)
    assert.ok(colors.size > 50, `${colors.size} colors`)
  })
})
