// The results as one JSON object and as Markdown tables (bench/results/latest.{json,md}).
import type { CutoverResult } from '../suites/cutover.js'
import type { AnsibleResult, ToolStats } from '../suites/ansible.js'
import type { DigestResult, SyncResult } from '../suites/migration.js'
import type { OverheadResult } from '../suites/overhead.js'
import { fmtMb, fmtMs, ratio } from './stats.js'

export interface BenchResults {
  date: string
  machine: { nproc: number; cpu: string; memGiB: number; node: string; ansible: string; loadavgAtStart: string; loadavgAtEnd?: string }
  settings: { rounds: number; maxHosts: number; labId: number; suites: string[] }
  overhead?: OverheadResult
  ansible?: AnsibleResult
  mailSync?: SyncResult
  digest?: DigestResult
  cutover?: CutoverResult
}

const goal = (ok: boolean): string => (ok ? 'met' : '**missed**')

export function markdown(r: BenchResults): string {
  const m = r.machine
  const out: string[] = [
    `# tsplay benchmarks — ${r.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.nproc} cores (${m.cpu}), ${m.memGiB} GiB; Node ${m.node}; ${m.ansible}. Load average ${m.loadavgAtStart} at start, ${m.loadavgAtEnd ?? '?'} at end.`,
    `Rounds: ${r.settings.rounds} (median, min–max). Lab id ${r.settings.labId}. Times are wall clock of the whole process (start to exit).`,
    '',
  ]
  if (r.overhead) {
    const o = r.overhead
    out.push(
      '## 1. Per-task overhead (100 `command` tasks on 1 host)',
      '',
      '| | tsplay | bare ssh2 script (floor) | ratio |',
      '|---|---|---|---|',
      `| 100 tasks, whole run | ${fmtMs(o.tsplay)} | ${fmtMs(o.floor)} | **${ratio(o.tsplay.median, o.floor.median)}** (goal ≤ ${o.goal}×: ${goal(o.ratio <= o.goal)}) |`,
      `| 1 task, whole run | ${fmtMs(o.tsplay1)} | ${fmtMs(o.floor1)} | ${ratio(o.tsplay1.median, o.floor1.median)} |`,
      `| marginal cost per task | ${o.tsplayPerTaskMs.toFixed(1)} ms | ${o.floorPerTaskMs.toFixed(1)} ms | ${ratio(o.tsplayPerTaskMs, o.floorPerTaskMs)} |`,
      '',
    )
  }
  if (r.ansible) {
    const a = r.ansible
    const rows = (hosts: number): ToolStats[] => a.runs.filter((x) => x.hosts === hosts)
    out.push(
      '## 2. tsplay vs ansible-playbook (pyinfra-performance playbook: user, file, copy, shell)',
      '',
      '`ansible best` = pipelining, ControlPersist, forks = hosts, interpreter fixed; `ansible default` = forks 5, no pipelining, interpreter discovery (ControlPersist is on by default). tsplay: `--forks` = hosts. CPU = user+sys of the controller process tree (Ansible: plus its ssh ControlPersist masters); RSS: largest process / summed tree.',
      '',
      '| hosts | tool | wall | CPU | peak RSS (largest / tree) | Ansible ÷ tsplay (wall) | (CPU) |',
      '|---|---|---|---|---|---|---|',
    )
    for (const n of a.sizes) {
      const ts = rows(n).find((x) => x.tool === 'tsplay')
      for (const x of rows(n)) {
        const rw = ts && x.tool !== 'tsplay' ? `**${ratio(x.wall.median, ts.wall.median)}**` : ''
        const rc = ts && x.tool !== 'tsplay' ? ratio(x.cpu.median, ts.cpu.median) : ''
        out.push(`| ${n} | ${x.tool.replace('-', ' ')} | ${fmtMs(x.wall)} | ${fmtMs(x.cpu)} | ${fmtMb(x.maxRss.median)} / ${fmtMb(x.treeRss.median)} | ${rw} | ${rc} |`)
      }
    }
    const t50 = a.runs.find((x) => x.hosts === 50 && x.tool === 'tsplay')
    const a50 = a.runs.find((x) => x.hosts === 50 && x.tool === 'ansible-best')
    if (t50 && a50) {
      const rr = a50.wall.median / t50.wall.median
      out.push('', `Goal: tsplay ≥ 20× faster than Ansible (best settings) at 50 hosts: ${rr.toFixed(1)}× — ${goal(rr >= 20)}. Published reference: pyinfra 6.5 s vs Ansible 64.6 s at 100 hosts (≈10×).`)
    }
    out.push('')
    const ts = a.runs.filter((x) => x.tool === 'tsplay')
    if (ts.length > 1) {
      const first = ts[0]!
      const last = ts[ts.length - 1]!
      const perHostKb = (last.maxRss.median - first.maxRss.median) / (last.hosts - first.hosts)
      const perHostCpu = (last.cpu.median - first.cpu.median) / (last.hosts - first.hosts)
      out.push(
        '## 4. Controller cost of tsplay (same playbook, --forks = hosts)',
        '',
        '| hosts | wall | CPU | peak RSS | CPU per host | RSS per host |',
        '|---|---|---|---|---|---|',
        ...ts.map((x) => `| ${x.hosts} | ${fmtMs(x.wall)} | ${fmtMs(x.cpu)} | ${fmtMb(x.maxRss.median)} | ${(x.cpu.median / x.hosts).toFixed(0)} ms | ${(x.maxRss.median / x.hosts / 1024).toFixed(1)} MB |`),
        '',
        `Growth from ${first.hosts} to ${last.hosts} hosts: +${perHostCpu.toFixed(0)} ms CPU and +${(perHostKb / 1024).toFixed(2)} MB RSS per extra host.`,
        '',
      )
    }
  }
  if (r.mailSync || r.digest) out.push('## 3. Migration scale', '')
  if (r.mailSync) {
    const s = r.mailSync
    out.push(
      `mail-sync role, old → new (rsync over ssh, one-off key), ${s.mailboxes} mailboxes × ${s.messagesPerMailbox.toLocaleString('en')} small messages; between presync and final ${s.churnPercent}% of each mailbox deleted and ${s.churnPercent}% new. Whole tsplay run.`,
      '',
      '| phase | time |',
      '|---|---|',
      `| presync (full copy) | ${fmtMs(s.presync)} |`,
      `| final sync (cutover window) | ${fmtMs(s.final)} — goal < ${s.goalFinalMs / 1000} s: ${goal(s.final.median < s.goalFinalMs)} |`,
      '',
      `Slowest tasks of the last final sync (tsplay --json durations): ${s.finalTasks.slice(0, 5).map((t) => `${t.task} ${(t.ms / 1000).toFixed(2)} s`).join('; ')}.`,
      '',
    )
  }
  if (r.digest) {
    const d = r.digest
    const est = d.messages < d.asked ? ` (measured on ${d.messages.toLocaleString('en')}; ×${(d.asked / d.messages).toFixed(1)} extrapolated: ${((d.tsplay.median * d.asked) / d.messages / 1000).toFixed(1)} s)` : ''
    out.push(
      `Verification: \`maildir_digest\` on one mailbox of ${d.messages.toLocaleString('en')} ~200-byte messages (page cache warm; writing them took ${(d.generateMs / 1000).toFixed(0)} s).`,
      '',
      '| | time | peak RSS |',
      '|---|---|---|',
      `| tsplay \`maildir_digest\` (whole run) | ${fmtMs(d.tsplay)}${est} — goal < ${d.goalMs / 1000} s: ${goal((d.tsplay.median * d.asked) / d.messages < d.goalMs)} | ${fmtMb(d.tsplayRssKb.median)} |`,
      `| its remote pipeline (find, sort, sha256sum) read over a bare ssh2 connection | ${fmtMs(d.floor)} | |`,
      '',
    )
  }
  if (r.cutover) out.push(...cutoverSection(r.cutover))
  return out.join('\n')
}

/** 5. tsplay's cutover against the write-up's (stop, then one plain rsync -aHAX --delete), same data. */
function cutoverSection(c: CutoverResult): string[] {
  const at = c.messages >= 500_000 ? 'at this size' : `at this size (the goal is for 1M)`
  return [
    '## 5. Cutover at scale',
    '',
    `${c.messages.toLocaleString('en')} ~200-byte messages on old: one mailbox of ${(c.bigMailbox ?? c.messages).toLocaleString('en')}${c.active?.mailboxes ? ` and ${c.active.mailboxes} active ones of ${(c.active.messages / c.active.mailboxes).toLocaleString('en')}` : ''} (plus the lab's three small ones); presync; then ${c.churnPercent}% of each mailbox changed (flag changes, deletions, deliveries) before each method, on the same data in the same run.`,
    '',
    '| | tsplay | write-up / floor | ratio | goal |',
    '|---|---|---|---|---|',
    `| final sync | ${fmtMs(c.tsplayFinal)} (its mail-sync tasks in the window) | ${fmtMs(c.writeupRsync)} (one \`rsync -aHAX --delete\` of /home) | ${ratio(c.tsplayFinal.median, c.writeupRsync.median)} | |`,
    `| window (first stop → service) | ${fmtMs(c.tsplayWindow)} | ${fmtMs(c.writeupWindow)} (stop ${fmtMs(c.writeupStop)} + rsync; forward not counted) | ${ratio(c.tsplayWindow.median, c.writeupWindow.median)} | ≤ ${c.goalWindowMs / 1000} s: ${goal(c.tsplayWindow.median <= c.goalWindowMs)} |`,
    `| first presync (everything copied) | ${(c.firstPresync / 1000).toFixed(2)} s (its copy task ${(c.firstPresyncCopy / 1000).toFixed(2)} s) | ${(c.bareRsync / 1000).toFixed(2)} s (bare \`rsync -aHAX --numeric-ids\` of old's /home) | ${ratio(c.firstPresync, c.bareRsync)} (copy task ${ratio(c.firstPresyncCopy, c.bareRsync)}) | ≤ ${c.goalPresyncRatio}×: ${goal(c.firstPresync <= c.goalPresyncRatio * c.bareRsync)} |`,
    `| presync, each round | ${fmtMs(c.presync)} | | | |`,
    `| verify (\`--tags verify\`, every message's sha256 on both hosts) | ${(c.verify / 1000).toFixed(2)} s | | | < ${c.goalVerifyMs / 1000} s at 1M: ${goal(c.verify < c.goalVerifyMs)} ${at} |`,
    '',
    ...(c.presyncTasks?.length ? [`The first presync's slowest tasks: ${c.presyncTasks.map((t) => `${t.task} ${(t.ms / 1000).toFixed(2)} s`).join('; ')}.`, ''] : []),
    ...(c.verifyTasks?.length ? [`The verify's slowest tasks: ${c.verifyTasks.map((t) => `${t.task} ${(t.ms / 1000).toFixed(2)} s`).join('; ')}.`, ''] : []),
    `Where tsplay's window goes (last round, tsplay --json durations): ${c.windowTasks.slice(0, 8).map((t) => `${t.task} ${(t.ms / 1000).toFixed(2)} s`).join('; ')}.`,
    '',
  ]
}
