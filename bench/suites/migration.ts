// 3. Migration scale. (a) The mail-sync role: presync, then 1% of each mailbox deleted and 1% new
// mail on old, then the final sync (the cutover window), 10 mailboxes × 1,000 small messages.
// (b) maildir_digest (the verify phase) on one mailbox of a million tiny messages, against the
// floor of its remote pipeline's output read over a bare ssh2 connection.
import { chownSync, mkdirSync, readdirSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sh } from '../../src/connection/quote.js'
import { generateMaildir } from '../../src/lab/index.js'
import { DIGEST_SCRIPT } from '../../src/modules/mail/maildir_digest.js'
import { hostPath, hostRun } from '../../src/lab/exec.js'
import type { HostState } from '../../src/lab/types.js'
import { inHosts, onCleanup } from '../lib/lab.js'
import { measure, type Measured } from '../lib/measure.js'
import { stat, type Stat } from '../lib/stats.js'
import { tsplayEnv, type BenchContext } from '../lib/context.js'
import { check } from './overhead.js'

export interface SyncResult {
  mailboxes: number
  messagesPerMailbox: number
  churnPercent: number
  presync: Stat
  final: Stat
  goalFinalMs: number
  /** Where the final sync's time goes: the slowest tasks of its last round (task → ms). */
  finalTasks: Array<{ task: string; ms: number }>
}

export interface DigestResult {
  messages: number
  /** What was asked for, when the disk could not hold it (then `messages` is smaller). */
  asked: number
  generateMs: number
  tsplay: Stat
  floor: Stat
  tsplayRssKb: Stat
  goalMs: number
}

const MAILBOXES = 10
const PER_MAILBOX = 1000
const CHURN = 0.01
const UID0 = 2101

const users = Array.from({ length: MAILBOXES }, (_, i) => `bench${String(i + 1).padStart(2, '0')}`)

export async function mailSync(ctx: BenchContext): Promise<SyncResult> {
  const old = host(ctx, 'old')
  const nw = host(ctx, 'new')
  const create = users.map((u, i) => `id -u ${u} >/dev/null 2>&1 || { groupadd -g ${UID0 + i} ${u}; useradd -m -u ${UID0 + i} -g ${UID0 + i} -s /bin/sh ${u}; }`).join('\n')
  await inHosts([old, nw], create)
  ctx.log(`  generating ${MAILBOXES} mailboxes × ${PER_MAILBOX} messages on old`)
  for (const [i, u] of users.entries()) {
    await generateMaildir(hostPath(old, `/home/${u}/Maildir`), { messages: PER_MAILBOX, hostname: 'old.example.test', user: u, profile: 'small', uid: UID0 + i, gid: UID0 + i })
  }
  const pb = join(ctx.tmp, 'mail-sync.yml')
  writeFileSync(pb, `- hosts: new\n  gather_facts: false\n  roles:\n    - role: mail-sync\n      mail_sync_source: old\n      mail_sync_users: [${users.join(', ')}]\n`)
  const env = tsplayEnv({ TSPLAY_ROLES_PATH: join(ctx.root, 'roles') })
  const run = (phase: string): Promise<Measured> =>
    measure(['node', ctx.cli, pb, '-i', ctx.inventory, '--json', '-e', `mail_sync_phase=${phase}`], { env, capture: true })
  let finalTasks: SyncResult['finalTasks'] = []
  const pre: number[] = []
  const fin: number[] = []
  for (let r = 0; r < ctx.rounds; r++) {
    await inHosts([nw], users.map((u) => `rm -rf /home/${u}/Maildir`).join('; '))
    const p = check(await run('presync'), 'mail-sync presync')
    churn(old, r)
    const f = check(await run('final'), 'mail-sync final')
    await sameCounts(old, nw)
    pre.push(p.wallMs)
    fin.push(f.wallMs)
    finalTasks = taskTimes(f.stdout)
    ctx.log(`    round ${r + 1}: presync ${(p.wallMs / 1000).toFixed(2)} s, final ${(f.wallMs / 1000).toFixed(2)} s (counts match)`)
  }
  return { mailboxes: MAILBOXES, messagesPerMailbox: PER_MAILBOX, churnPercent: CHURN * 100, presync: stat(pre), final: stat(fin), goalFinalMs: 5000, finalTasks }
}

/** Task durations from tsplay's --json events, slowest first or in run order (a task on several hosts counts once per host). */
export function taskTimes(ndjson: string, slowestFirst = true): Array<{ task: string; ms: number }> {
  const t = new TaskTimes()
  for (const line of ndjson.split('\n')) t.line(line)
  return t.list(slowestFirst)
}

/** Task → summed duration from tsplay's --json events, fed one line at a time (a million-file
 * presync's output is never held whole). */
export class TaskTimes {
  private readonly by = new Map<string, number>()
  line(line: string): void {
    if (!line.startsWith('{') || !line.includes('"task-result"')) return
    const e = JSON.parse(line) as { kind: string; task?: string; result?: { durationMs?: number } }
    if (e.kind === 'task-result' && e.task) this.by.set(e.task, (this.by.get(e.task) ?? 0) + (e.result?.durationMs ?? 0))
  }
  list(slowestFirst = true): Array<{ task: string; ms: number }> {
    const all = [...this.by].map(([task, ms]) => ({ task, ms }))
    return slowestFirst ? all.sort((a, b) => b.ms - a.ms) : all
  }
}

/** 1% of each mailbox deleted (anywhere), 1% new mail delivered to INBOX/new, as on a live server. */
function churn(old: HostState, round: number): void {
  for (const [i, u] of users.entries()) {
    const md = hostPath(old, `/home/${u}/Maildir`)
    const files: string[] = []
    for (const folder of ['', ...readdirSync(md).filter((f) => f.startsWith('.'))]) {
      for (const sub of ['cur', 'new']) for (const f of readdirSync(join(md, folder, sub))) files.push(join(md, folder, sub, f))
    }
    const n = Math.round(PER_MAILBOX * CHURN)
    // Deterministic picks: every 97th file from an offset that moves each round.
    for (let k = 0; k < n; k++) unlinkSync(files[(k * 97 + round * 13) % files.length]!)
    for (let k = 0; k < n; k++) {
      const body = `From: someone@example.org\nTo: ${u}@example.test\nSubject: new mail ${round}-${k}\n\nhello\n`
      const name = `${1_800_000_000 + round * 1000 + k}.M${k}P${round}Q${k}.old.example.test,S=${body.length}`
      const path = join(md, 'new', name)
      writeFileSync(path, body, { mode: 0o600 })
      chownSync(path, UID0 + i, UID0 + i)
    }
  }
}

/** The final sync must leave new with exactly old's messages. */
async function sameCounts(old: HostState, nw: HostState): Promise<void> {
  const count = `for u in ${users.join(' ')}; do printf '%s ' $(find /home/$u/Maildir -type f \\( -path '*/cur/*' -o -path '*/new/*' \\) | wc -l); done`
  const [a, b] = await Promise.all([hostRun(old, ['/bin/sh', '-c', count]), hostRun(nw, ['/bin/sh', '-c', count])])
  if (a.stdout !== b.stdout) throw new Error(`after the final sync, message counts differ: old ${a.stdout} / new ${b.stdout}`)
}

const BIG_DIR = '/srv/bench-bigbox/Maildir'
/** The module's own remote script, run the way the module runs it. */
const DIGEST_PIPE = sh`bash -c ${DIGEST_SCRIPT} maildir_digest ${BIG_DIR}`

export async function bigDigest(ctx: BenchContext, asked: number): Promise<DigestResult> {
  const nw = host(ctx, 'new')
  const root = hostPath(nw, BIG_DIR)
  onCleanup(() => rmSync(root, { recursive: true, force: true }))
  // ~200-byte messages take a 4 KiB block and an inode each: ~4.5 KB per message on disk.
  const fs = statfsSync(hostPath(nw, '/srv'))
  const freeBytes = fs.bavail * fs.bsize
  const room = Math.floor((freeBytes - 10 * 2 ** 30) / 4600)
  const messages = Math.max(10_000, Math.min(asked, room, Number(fs.ffree) - 1_000_000))
  if (messages < asked) ctx.log(`  only room for ${messages} messages (asked ${asked}); the result is extrapolated`)
  ctx.log(`  writing ${messages.toLocaleString('en')} tiny messages into new:${BIG_DIR}`)
  const t0 = Date.now()
  generateTiny(root, messages)
  const generateMs = Date.now() - t0
  ctx.log(`  written in ${(generateMs / 1000).toFixed(1)} s`)
  const pb = join(ctx.tmp, 'digest.yml')
  writeFileSync(pb, `- hosts: new\n  gather_facts: false\n  tasks:\n    - name: Digest the big mailbox\n      maildir_digest:\n        mailboxes: { big: ${BIG_DIR} }\n`)
  const ssh = ctx.lab.ssh
  const t: Measured[] = []
  const f: Measured[] = []
  const rounds = Math.max(1, Math.min(ctx.rounds, 2))
  for (let r = 0; r < rounds; r++) {
    const a = check(await measure(['node', ctx.cli, pb, '-i', ctx.inventory, '-v'], { env: tsplayEnv(), timeoutMs: 600_000 }), 'maildir_digest')
    if (!a.tail.includes(`messages: big ${messages}`)) throw new Error(`maildir_digest did not count ${messages} messages:\n${a.tail}`)
    const b = check(await measure(['node', ctx.floor, nw.ip, ssh.privateKey, ssh.knownHosts, '1', DIGEST_PIPE], { timeoutMs: 600_000 }), 'digest floor')
    t.push(a)
    f.push(b)
    ctx.log(`    round ${r + 1}: tsplay maildir_digest ${(a.wallMs / 1000).toFixed(1)} s (peak RSS ${(a.maxRssKb / 1024).toFixed(0)} MB), bare pipeline over ssh2 ${(b.wallMs / 1000).toFixed(1)} s`)
  }
  ctx.log('  deleting the big mailbox')
  await hostRun(nw, ['rm', '-rf', '/srv/bench-bigbox'])
  return {
    messages, asked, generateMs,
    tsplay: stat(t.map((m) => m.wallMs)), floor: stat(f.map((m) => m.wallMs)), tsplayRssKb: stat(t.map((m) => m.maxRssKb)), goalMs: 30_000,
  }
}

/** One INBOX, 80% read (cur/, flags) and 20% unread (new/), ~200-byte bodies, MDA-style names;
 * owned by `uid` when given; `tag` makes the names of a later batch unique. */
export function generateTiny(root: string, n: number, uid?: number, tag = '', to = 'big'): void {
  for (const d of ['', 'cur', 'new', 'tmp']) {
    mkdirSync(join(root, d), { recursive: true, mode: 0o700 })
    if (uid !== undefined) chownSync(join(root, d), uid, uid)
  }
  for (let i = 0; i < n; i++) {
    const body = `From: sender${i % 977}@example.org\nTo: ${to}@example.test\nSubject: message ${tag}${i}\nDate: Tue, 14 Nov 2023 22:13:20 +0000\n\nMessage body ${i}, short on purpose.\n`
    const base = `${1_600_000_000 + i * 7}.M${i % 999_999}P${1000 + (i % 30_000)}Q${tag}${i}.old.example.test,S=${body.length}`
    const path = i % 5 === 4 || tag ? join(root, 'new', base) : join(root, 'cur', `${base}:2,S`)
    writeFileSync(path, body)
    if (uid !== undefined) chownSync(path, uid, uid)
  }
}

export function host(ctx: BenchContext, name: string): HostState {
  const h = ctx.lab.hosts.find((x) => x.name === name)
  if (!h) throw new Error(`the lab has no host ${name}`)
  return h
}
