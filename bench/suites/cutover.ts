// 5. The cutover at scale: one big mailbox on old (plus the lab's three small ones), presync, 1%
// churn, then side by side on the same data: the write-up's method (stop postfix and courier on
// old, then one plain `rsync -aHAX --delete` of /home from old to new) and tsplay's cutover
// (`playbooks/migrate.yml --tags cutover`: its final sync and its outage window).
import { readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hostPath, hostRun } from '../../src/lab/exec.js'
import type { HostState } from '../../src/lab/types.js'
import { tsplayEnv, type BenchContext } from '../lib/context.js'
import { inHosts, onCleanup } from '../lib/lab.js'
import { measure } from '../lib/measure.js'
import { stat, type Stat } from '../lib/stats.js'
import { check } from './overhead.js'
import { generateTiny, host, taskTimes } from './migration.js'

export interface CutoverResult {
  /** Messages in the big mailbox (the lab's small ones come on top). */
  messages: number
  churnPercent: number
  presync: Stat
  /** tsplay: the final sync task inside the window, and the window (first stop to service on new). */
  tsplayFinal: Stat
  tsplayWindow: Stat
  /** The write-up: stopping the daemons, the one rsync pass, and both (its window before a forward). */
  writeupStop: Stat
  writeupRsync: Stat
  writeupWindow: Stat
  /** Where tsplay's window goes, last round (task → ms). */
  windowTasks: Array<{ task: string; ms: number }>
  goalWindowMs: number
}

const USER = 'bigbox'
const UID = 2301
const CHURN = 0.01
const KEY = '/root/.ssh/tsplay-bench-id'

export async function cutoverAtScale(ctx: BenchContext, messages: number): Promise<CutoverResult> {
  const old = host(ctx, 'old')
  const nw = host(ctx, 'new')
  const env = tsplayEnv()
  const migrate = (args: string[], capture = false) =>
    measure(['node', ctx.cli, join(ctx.root, 'playbooks', 'migrate.yml'), '-i', ctx.inventory, ...args], { env, capture, timeoutMs: 1_800_000 })
  // The big mailbox exists on old before prepare, so prepare makes its user on new.
  await inHosts([old], `id -u ${USER} >/dev/null 2>&1 || { groupadd -g ${UID} ${USER}; useradd -m -u ${UID} -g ${UID} -s /bin/sh ${USER}; }`)
  ctx.log(`  writing ${messages.toLocaleString('en')} tiny messages into old:/home/${USER}/Maildir`)
  generateTiny(hostPath(old, `/home/${USER}/Maildir`), messages, UID)
  check(await migrate(['--tags', 'prepare']), 'migrate prepare')
  // The write-up's rsync runs on new as root and logs in to old with the lab's key (removed at the end).
  await hostRun(nw, ['install', '-m', '0600', '/dev/null', KEY])
  writeFileSync(hostPath(nw, KEY), readFileSync(ctx.lab.ssh.privateKey))
  onCleanup(async () => void (await hostRun(nw, ['rm', '-f', KEY])))
  const plainRsync = `rsync -aHAX --delete -e 'ssh -i ${KEY} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes' root@${old.ip}:/home/ /home/`

  const pre: number[] = []
  const fin: number[] = []
  const win: number[] = []
  const wStop: number[] = []
  const wRsync: number[] = []
  let windowTasks: CutoverResult['windowTasks'] = []
  const rounds = Math.max(1, Math.min(ctx.rounds, 2))
  for (let r = 0; r < rounds; r++) {
    const p = check(await migrate(['--tags', 'presync']), 'migrate presync')
    pre.push(p.wallMs)
    // The write-up: stop, then one plain rsync pass of everything.
    churn(old, messages, 2 * r)
    let t = Date.now()
    await stopOld(old)
    wStop.push(Date.now() - t)
    t = Date.now()
    const w = await hostRun(nw, ['/bin/sh', '-c', plainRsync])
    if (w.rc !== 0) throw new Error(`plain rsync failed: ${w.stderr}`)
    wRsync.push(Date.now() - t)
    await startOld(old)
    // tsplay on the same data and the same churn.
    churn(old, messages, 2 * r + 1)
    const c = check(await migrate(['--tags', 'cutover', '--json'], true), 'migrate cutover')
    const tasks = windowOf(c.stdout)
    const window = /outage window: (\d+\.\d) s \(canary arrived/.exec(c.stdout)
    if (!window) throw new Error(`no outage window in the cutover's output:\n${c.tail}`)
    win.push(Number(window[1]) * 1000)
    fin.push(tasks.find((x) => x.task === 'mail-sync : Pull the mail from the source')?.ms ?? NaN)
    windowTasks = [...tasks].sort((a, b) => b.ms - a.ms)
    await resetOld(old)
    ctx.log(`    round ${r + 1}: presync ${s(p.wallMs)}; write-up stop ${s(wStop.at(-1)!)} + rsync ${s(wRsync.at(-1)!)}; tsplay final sync ${s(fin.at(-1)!)}, window ${s(win.at(-1)!)}`)
  }
  return {
    messages, churnPercent: CHURN * 100, presync: stat(pre), tsplayFinal: stat(fin), tsplayWindow: stat(win),
    writeupStop: stat(wStop), writeupRsync: stat(wRsync), writeupWindow: stat(wStop.map((x, i) => x + wRsync[i]!)), windowTasks, goalWindowMs: 5000,
  }
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

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
sysctl -qw net.ipv4.ip_forward=0; rm -f /etc/sysctl.d/90-tsplay-forward.conf /var/lib/tsplay/cutover`)
  await startOld(old)
}

/** The tasks between the outage clock's start and its read, from tsplay's --json events. */
function windowOf(ndjson: string): Array<{ task: string; ms: number }> {
  const all = taskTimes(ndjson, false)
  const a = all.findIndex((x) => x.task === 'Start the outage clock')
  const b = all.findIndex((x) => x.task === 'Outage over (service on new)')
  return a >= 0 && b > a ? all.slice(a, b + 1) : []
}

/** CHURN of the big mailbox deleted (anywhere) and as many new messages delivered to new/. */
function churn(old: HostState, messages: number, round: number): void {
  const md = hostPath(old, `/home/${USER}/Maildir`)
  const n = Math.max(1, Math.round(messages * CHURN))
  for (const sub of ['cur', 'new']) {
    const files = readdirSync(join(md, sub))
    const k = Math.round((n * files.length) / messages)
    for (let i = 0; i < k && i < files.length; i++) unlinkSync(join(md, sub, files[(Math.floor((i * files.length) / k) + round) % files.length]!))
  }
  generateTiny(md, n, UID, `${round}x`)
}
