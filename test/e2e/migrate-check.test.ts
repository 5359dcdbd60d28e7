// --check predicts the real run: on one fresh lab, playbooks/migrate.yml runs with --check --json
// (which must change nothing on old or new), then for real with --json; every task the real run
// changed must have been predicted changed, except the few listed below with their reason.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { labDown, labExec, labUp } from '../../src/lab/index.js'
import type { LabState } from '../../src/lab/index.js'
import type { RunEvent } from '../../src/events.js'
import { migrate, type Run } from './mail-stream.js'

type Result = Extract<RunEvent, { kind: 'task-result' }>

/** Real-run changes --check cannot predict, by "host | task" (delegated: "host->target | task"),
 * each with why. A task that starts being predicted must leave this list (the test says so). */
const UNPREDICTABLE: Record<string, string> = {
  'new->old | cutover-watchdog : Record which daemons run and net.ipv4.ip_forward (what a restore puts back)': 'a command that writes the state a rollback restores: --check skips it, as Ansible does',
  'new->old | cutover-watchdog : Arm the watchdog (restores this host unless disarmed within 120 s)': 'a command: --check skips it (as Ansible), and the task after it says what it would arm',
  'new->old | cutover-watchdog : Disarm the watchdog (the cutover is confirmed)': 'a command: --check skips it (as Ansible); nothing was armed',
}

/** Known mispredictions (issue 17), listed so the test states them instead of hiding them; each
 * names the part that owns it and must leave this list once fixed (the test then says so). */
const KNOWN_MISPREDICTED: Record<string, string> = {
  'new | mail-sync : Pull the mail from the source': "sync.yml: on a fresh lab --check skips mail-sync, as the users' homes on new are only predicted (prepare makes them); where they exist the role predicts each copy by listing both hosts (test/roles/mail-sync)",
  'new | mail-sync : Pull the mail from the source (the missing messages and all but the Maildir folders mirrored by name, at once)': "cutover.yml/sync-open.yml: the final sync runs only outside --check; by name, its rsyncs (maildir_pull) read the lists maildir_mirror writes",
  'new | Homes from old, without their Maildir and what the site excludes': 'homes.yml: its block runs only outside --check; without that, synchronize would predict the copy by listing both hosts (excludes applied)',
}

/** What --check must leave alone on a host: firewall, forwarding, listeners, cron (asked on the
 * host), and every file the host itself wrote (its overlay's upper dir, so what other processes do
 * to this machine's own files does not count) under the folders the migration writes: type, mode,
 * owner, size, content. Courier's per-login caches and lock files change on reads: left out. */
const LIVE = `for t in filter nat; do iptables -t $t -S; ip6tables -t $t -S 2>/dev/null; done
cat /proc/sys/net/ipv4/ip_forward
ss -Hltn | awk '{print $4}' | sort -u
crontab -l 2>/dev/null || true`
const FILES = String.raw`cd "$1" && find etc home root var/mail var/vmail var/lib/tsplay usr/local srv \
  \( -name courierimapuiddb -o -name courierpop3dsizelist -o -name '*.lock' \) -prune -o \
  \( -type f -printf '%p %y %m %u:%g %s ' -exec md5sum {} \; \) -o -printf '%p %y %m %u:%g\n' 2>/dev/null | sort; true`

async function snapshot(lab: LabState, host: string): Promise<string[]> {
  const live = await labExec(host, ['bash', '-c', LIVE])
  assert.equal(live.rc, 0, live.stderr)
  const dir = join(lab.hosts.find((h) => h.name === host)!.dir, 'upper')
  const files = execFileSync('bash', ['-c', FILES, 'snapshot', dir], { encoding: 'utf8', maxBuffer: 64 << 20 })
  return [...live.stdout.split('\n'), ...files.split('\n')]
}

/** The task results of a --json run. */
function results(run: Run): Result[] {
  const out: Result[] = []
  for (const line of run.out.split('\n')) {
    if (!line.startsWith('{')) continue
    const e = JSON.parse(line) as RunEvent
    if (e.kind === 'task-result') out.push(e)
  }
  return out
}

const key = (e: Result): string => `${e.host}${e.delegatedTo ? `->${e.delegatedTo}` : ''} | ${e.task}`
const changedTasks = (rs: Result[]): Set<string> => new Set(rs.filter((e) => e.result.status === 'changed').map(key))

describe('--check predicts what the real migration run changes, and changes nothing', { timeout: 900_000 }, () => {
  let lab: LabState
  let checked: Result[]
  let real: Result[]

  before(async () => {
    lab = await labUp({ mail: true })
  })
  after(() => labDown())

  it('--check --json runs every phase without a failed task and leaves old and new as they were', async () => {
    const before = { old: await snapshot(lab, 'old'), new: await snapshot(lab, 'new') }
    const r = await migrate(lab.inventoryDir, ['--check', '--json'])
    assert.equal(r.code, 0, r.out.slice(-3000))
    checked = results(r)
    const failed = checked.filter((e) => e.result.status === 'failed').map((e) => `${key(e)}: ${e.result.msg}`)
    assert.deepEqual(failed, [], 'no task fails in --check, not even an ignored one')
    for (const h of ['old', 'new'] as const) {
      const now = await snapshot(lab, h)
      const gone = before[h].filter((l) => !now.includes(l))
      const added = now.filter((l) => !before[h].includes(l))
      assert.deepEqual({ gone, added }, { gone: [], added: [] }, `--check changed ${h}`)
    }
    console.log(`# --check run ${(r.ms / 1000).toFixed(1)} s, ${changedTasks(checked).size} tasks predicted changed`)
  })

  it('every task the real run changes was predicted changed by --check', async () => {
    const r = await migrate(lab.inventoryDir, ['--json'])
    assert.equal(r.code, 0, r.out.slice(-3000))
    real = results(r)
    const predicted = changedTasks(checked)
    const made = changedTasks(real)
    const status = new Map(checked.map((e) => [key(e), `${e.result.status}: ${(e.result.msg ?? '').split('\n')[0]}`]))
    const missed = [...made].filter((k) => !predicted.has(k) && !(k in UNPREDICTABLE) && !(k in KNOWN_MISPREDICTED))
    assert.deepEqual(missed.map((k) => `${k} (--check said ${status.get(k) ?? 'nothing: the task did not run'})`), [], 'changed by the run, not predicted by --check')
    const stale = Object.keys({ ...UNPREDICTABLE, ...KNOWN_MISPREDICTED }).filter((k) => predicted.has(k) || !made.has(k))
    assert.deepEqual(stale, [], 'listed as unpredicted, but --check predicts it now (or the run no longer changes it): take it off the list')
    console.log(`# real run ${(r.ms / 1000).toFixed(1)} s, ${made.size} tasks changed, ${made.size - Object.keys(UNPREDICTABLE).length - Object.keys(KNOWN_MISPREDICTED).length} of them predicted`)
  })
})
