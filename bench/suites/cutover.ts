// 5. The cutover at scale: one big mailbox on old (plus the lab's three small ones), presync, 1%
// churn (flag changes, deletions, deliveries), then side by side on the same data: the write-up's
// method (stop postfix and courier on old, then one plain `rsync -aHAX --delete` of /home from
// old to new) and tsplay's cutover (`playbooks/migrate.yml --tags cutover`: its final sync and its
// outage window); tsplay's first presync against a bare `rsync -aHAX --numeric-ids` of the same
// mailbox over the same link; and the verify phase. Size: --cutover-messages or
// TSPLAY_BENCH_CUTOVER_MESSAGES (one million is the write-up's scale; checks free space first).
import { readdirSync, readFileSync, renameSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hostPath, hostRun } from '../../src/lab/exec.js'
import type { HostState } from '../../src/lab/types.js'
import { tsplayEnv, type BenchContext } from '../lib/context.js'
import { inHosts, onCleanup } from '../lib/lab.js'
import { measure } from '../lib/measure.js'
import { stat, type Stat } from '../lib/stats.js'
import { check } from './overhead.js'
import { generateTiny, host, taskTimes, TaskTimes } from './migration.js'

export interface CutoverResult {
  /** Messages on old: the big mailbox and the active ones (the lab's small ones come on top). */
  messages: number
  bigMailbox: number
  /** Active mailboxes (at large sizes, as the write-up's server: one huge archive and users). */
  active: { mailboxes: number; messages: number }
  churnPercent: number
  presync: Stat
  /** The first presync (everything copied): the whole phase, its copy task, and a bare
   * `rsync -aHAX --numeric-ids` of old's /home (every mailbox) to an empty folder on new. */
  firstPresync: number
  firstPresyncCopy: number
  bareRsync: number
  /** `migrate.yml --tags verify` after the first cutover (every message's sha256 on both hosts). */
  verify: number
  /** tsplay: the final sync tasks inside the window, and the window (first stop to service on new). */
  tsplayFinal: Stat
  tsplayWindow: Stat
  /** The write-up: stopping the daemons, the one rsync pass, and both (its window before a forward). */
  writeupStop: Stat
  writeupRsync: Stat
  writeupWindow: Stat
  /** The first presync's slowest tasks (task → ms). */
  presyncTasks: Array<{ task: string; ms: number }>
  /** The verify's slowest tasks (task → ms). */
  verifyTasks: Array<{ task: string; ms: number }>
  /** Where tsplay's window goes, last round (task → ms). */
  windowTasks: Array<{ task: string; ms: number }>
  goalWindowMs: number
  goalPresyncRatio: number
  goalVerifyMs: number
}

const USER = 'bigbox'
const UID = 2301
const CHURN = 0.01
/** From this size on, old has one big mailbox and ACTIVE mailboxes of ACTIVE_SIZE messages
 * (1,000,000 = 995,000 + 5 × 1,000, the issue's shape). */
const ACTIVE_FROM = 100_000
const ACTIVE = 5
const ACTIVE_SIZE = 1000
const activeUser = (i: number): { name: string; uid: number } => ({ name: `active${i + 1}`, uid: UID + 1 + i })
const KEY = '/root/.ssh/tsplay-bench-id'

export async function cutoverAtScale(ctx: BenchContext, messages: number): Promise<CutoverResult> {
  let t0 = Date.now()
  const old = host(ctx, 'old')
  const nw = host(ctx, 'new')
  const env = tsplayEnv()
  const migrate = (args: string[], opts: { capture?: boolean; onLine?: (l: string) => void } = {}) =>
    measure(['node', ctx.cli, join(ctx.root, 'playbooks', 'migrate.yml'), '-i', ctx.inventory, ...args], { env, ...opts, timeoutMs: 1_800_000 })
  checkRoom([old, nw], messages)
  const actives = messages >= ACTIVE_FROM ? Array.from({ length: ACTIVE }, (_, i) => activeUser(i)) : []
  const big = messages - actives.length * ACTIVE_SIZE
  const boxes = [{ name: USER, uid: UID, size: big }, ...actives.map((a) => ({ ...a, size: ACTIVE_SIZE }))]
  // The mailboxes exist on old before prepare, so prepare makes their users on new.
  await inHosts([old], boxes.map((b) => `id -u ${b.name} >/dev/null 2>&1 || { groupadd -g ${b.uid} ${b.name}; useradd -m -u ${b.uid} -g ${b.uid} -s /bin/sh ${b.name}; }`).join('\n'))
  t0 = Date.now()
  for (const b of boxes) generateTiny(hostPath(old, `/home/${b.name}/Maildir`), b.size, b.uid, '', b.name)
  ctx.log(`  wrote ${big.toLocaleString('en')} tiny messages into old:/home/${USER}/Maildir${actives.length ? ` and ${actives.length} × ${ACTIVE_SIZE.toLocaleString('en')} into active1..${actives.length}` : ''} in ${s(Date.now() - t0)}`)
  check(await migrate(['--tags', 'prepare']), 'migrate prepare')
  // The write-up's rsync runs on new as root and logs in to old with the lab's key (removed at the end).
  await hostRun(nw, ['install', '-m', '0600', '/dev/null', KEY])
  writeFileSync(hostPath(nw, KEY), readFileSync(ctx.lab.ssh.privateKey))
  onCleanup(async () => void (await hostRun(nw, ['rm', '-f', KEY])))
  const ssh = `ssh -i ${KEY} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes`
  const plainRsync = `rsync -aHAX --delete -e '${ssh}' root@${old.ip}:/home/ /home/`
  // The presync's floor: the same mail (all of old's /home), by a bare rsync into an empty folder.
  // Only the rsync is timed; its copy stays until the lab goes (removing a million files inside
  // the overlay takes longer than copying them; the lab's teardown removes its upper dir at once).
  const prep = await hostRun(nw, ['/bin/sh', '-c', `rm -rf ${BARE} && mkdir -p ${BARE}`])
  if (prep.rc !== 0) throw new Error(`bare rsync's folder: ${prep.stderr}`)
  t0 = Date.now()
  const b = await hostRun(nw, ['rsync', '-aHAX', '--numeric-ids', '-e', ssh, `root@${old.ip}:/home/`, `${BARE}/`])
  if (b.rc !== 0) throw new Error(`bare rsync failed: ${b.stderr}`)
  const bareRsync = Date.now() - t0
  ctx.log(`    bare rsync -aHAX --numeric-ids of old's /home: ${s(bareRsync)}`)
  let firstPresync = NaN
  let firstPresyncCopy = NaN
  let verify = NaN

  const pre: number[] = []
  const fin: number[] = []
  const win: number[] = []
  const wStop: number[] = []
  const wRsync: number[] = []
  let windowTasks: CutoverResult['windowTasks'] = []
  let presyncTasks: CutoverResult['presyncTasks'] = []
  let verifyTasks: CutoverResult['verifyTasks'] = []
  const rounds = Math.max(1, Math.min(ctx.rounds, 2))
  for (let r = 0; r < rounds; r++) {
    const times = new TaskTimes()
    const p = check(await migrate(['--tags', 'presync', '--json'], { onLine: (l) => times.line(l) }), 'migrate presync')
    pre.push(p.wallMs)
    if (r === 0) {
      firstPresync = p.wallMs
      firstPresyncCopy = times.list().find((x) => x.task === 'mail-sync : Pull the mail from the source')?.ms ?? NaN
      presyncTasks = times.list().slice(0, 8)
    }
    // The write-up: stop, then one plain rsync pass of everything.
    for (const b of boxes) churn(old, b, 2 * r)
    let t = Date.now()
    await stopOld(old)
    wStop.push(Date.now() - t)
    t = Date.now()
    const w = await hostRun(nw, ['/bin/sh', '-c', plainRsync])
    if (w.rc !== 0) throw new Error(`plain rsync failed: ${w.stderr}`)
    wRsync.push(Date.now() - t)
    await startOld(old)
    // tsplay on the same data and the same churn.
    for (const b of boxes) churn(old, b, 2 * r + 1)
    const c = check(await migrate(['--tags', 'cutover', '--json'], { capture: true }), 'migrate cutover')
    const tasks = windowOf(c.stdout)
    const window = /outage window: (\d+\.\d) s \(canary arrived/.exec(c.stdout)
    if (!window) throw new Error(`no outage window in the cutover's output:\n${c.tail}`)
    win.push(Number(window[1]) * 1000)
    // The final sync: every mail-sync task in the window (listing, renames/deletions, the one stream, the folders' rsyncs).
    fin.push(tasks.filter((x) => x.task.startsWith('mail-sync : ')).reduce((n, x) => n + x.ms, 0))
    windowTasks = [...tasks].sort((a, b) => b.ms - a.ms)
    if (r === 0) {
      const vt = new TaskTimes()
      verify = check(await migrate(['--tags', 'verify', '--json'], { onLine: (l) => vt.line(l) }), 'migrate verify').wallMs
      verifyTasks = vt.list().slice(0, 5)
    }
    await resetOld(old)
    ctx.log(`    round ${r + 1}: presync ${s(p.wallMs)}; write-up stop ${s(wStop.at(-1)!)} + rsync ${s(wRsync.at(-1)!)}; tsplay final sync ${s(fin.at(-1)!)}, window ${s(win.at(-1)!)}${r === 0 ? `; verify ${s(verify)}` : ''}`)
  }
  return {
    messages, bigMailbox: big, active: { mailboxes: actives.length, messages: actives.length * ACTIVE_SIZE }, presyncTasks, verifyTasks, churnPercent: CHURN * 100, presync: stat(pre), firstPresync, firstPresyncCopy, bareRsync, verify, tsplayFinal: stat(fin), tsplayWindow: stat(win),
    writeupStop: stat(wStop), writeupRsync: stat(wRsync), writeupWindow: stat(wStop.map((x, i) => x + wRsync[i]!)), windowTasks,
    goalWindowMs: messages >= 500_000 ? 5000 : 2000, goalPresyncRatio: 1.5, goalVerifyMs: 30_000,
  }
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/** On new: the bare rsync's copy (left for the lab's teardown). */
const BARE = '/var/tmp/bench-bare-rsync'

/** Room for the big mailbox on old, its copy on new and the bare rsync's copy (all on the
 * machine's disk: the lab's overlays share it): a tiny message takes a 4 KiB block and an inode. */
function checkRoom(hosts: HostState[], messages: number): void {
  const fs = statfsSync(hostPath(hosts[0]!, '/home'))
  const needBytes = messages * 3 * 4096 * 1.2
  const needInodes = messages * 3 * 1.1
  const haveBytes = fs.bavail * fs.bsize
  if (haveBytes < needBytes || fs.ffree < needInodes) {
    throw new Error(`cutover bench: ${messages.toLocaleString('en')} messages need ~${(needBytes / 2 ** 30).toFixed(1)} GiB and ~${Math.round(needInodes).toLocaleString('en')} inodes free; the lab's disk has ${(haveBytes / 2 ** 30).toFixed(1)} GiB and ${fs.ffree.toLocaleString('en')} inodes (df -h /; df -i /). Use a smaller --cutover-messages.`)
  }
}

const DAEMONS = ['courier-imap', 'courier-pop', 'postfix']
async function stopOld(old: HostState): Promise<void> {
  await inHosts([old], DAEMONS.map((d) => `/etc/init.d/${d} stop >/dev/null`).join('; '))
}
async function startOld(old: HostState): Promise<void> {
  await inHosts([old], [...DAEMONS].reverse().map((d) => `/etc/init.d/${d} start >/dev/null`).join('; '))
}

/** After tsplay's cutover: old as before it (no forward, daemons running, not marked cut over). */
async function resetOld(old: HostState): Promise<void> {
  await inHosts([old], `for t in nat filter; do iptables -t $t -S | grep -E -- '--comment "?tsplay-' | sed 's/^-A /-D /' | while read -r r; do iptables -t $t $r; done; done
for t in nat filter; do ip6tables -t $t -S | grep -E -- '--comment "?tsplay-' | sed 's/^-A /-D /' | while read -r r; do ip6tables -t $t $r; done; done
sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0; rm -f /etc/sysctl.d/90-tsplay-forward.conf /etc/sysctl.d/90-tsplay-forward6.conf /var/lib/tsplay/cutover`)
  await startOld(old)
}

/** The tasks between the outage clock's start and its read, from tsplay's --json events in their
 * order (tasks of the same name also run before the window: the final sync's pass before it). */
function windowOf(ndjson: string): Array<{ task: string; ms: number }> {
  const lines = ndjson.split('\n')
  const at = (task: string, from = 0): number => lines.findIndex((l, i) => i >= from && l.startsWith('{') && l.includes('"kind":"task-result"') && l.includes(`"task":${JSON.stringify(task)}`))
  const a = at('Start the outage clock')
  const b = a < 0 ? -1 : at('Outage over (service on new)', a)
  return a >= 0 && b > a ? taskTimes(lines.slice(a, b + 1).join('\n'), false) : []
}

/** CHURN of a mailbox touched as on a live server: 40% flag changes (renames in cur/, and
 * new/ → cur/), 30% deleted (anywhere), 30% new messages delivered to new/. */
function churn(old: HostState, box: { name: string; uid: number; size: number }, round: number): void {
  const md = hostPath(old, `/home/${box.name}/Maildir`)
  const messages = box.size
  const n = Math.max(3, Math.round(messages * CHURN))
  const pick = (sub: string, k: number, salt: number): string[] => {
    const files = readdirSync(join(md, sub))
    const out: string[] = []
    for (let i = 0; i < k && i < files.length; i++) out.push(files[(Math.floor((i * files.length) / k) + round * 7 + salt) % files.length]!)
    return [...new Set(out)]
  }
  // Flag changes: ':2,S' gains R in cur/; a message in new/ is read (moves to cur/ with ':2,S').
  const flags = Math.round(n * 0.4)
  for (const f of pick('cur', Math.round(flags * 0.8), 1)) {
    const to = f.includes(':2,') ? f.replace(/:2,([A-Z]*)$/, (_m, fl: string) => `:2,${fl.includes('R') ? fl.replace('R', '') : `R${fl}`}`) : `${f}:2,S`
    if (to !== f) renameSync(join(md, 'cur', f), join(md, 'cur', to))
  }
  for (const f of pick('new', Math.round(flags * 0.2), 2)) renameSync(join(md, 'new', f), join(md, 'cur', `${f}:2,S`))
  const deletions = Math.round(n * 0.3)
  for (const sub of ['cur', 'new']) {
    const files = readdirSync(join(md, sub)).length
    for (const f of pick(sub, Math.round((deletions * files) / messages), 3)) unlinkSync(join(md, sub, f))
  }
  generateTiny(md, n - flags - deletions, box.uid, `${round}x`, box.name)
}
