// `npm run bench`: tsplay against the ssh2 floor, against ansible-playbook, at migration scale, and
// its controller cost, on one lab brought up for the run and always taken down. Prints a table and
// writes bench/results/latest.{md,json}. Timing never fails anything: only broken runs do.
//
//   node dist/bench/run.js [--rounds 3] [--max-hosts 50|100] [--only overhead,ansible,migration]
//                          [--big-mailbox 1000000] [--cutover-messages 20000 | env TSPLAY_BENCH_CUTOVER_MESSAGES] [--out bench/results]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg as osLoadavg, totalmem, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { projectRoot } from '../src/lab/config.js'
import { defaultInventoryDir } from '../src/lab/index.js'
import { ansibleVersion, bringUp, cleanupAll, ensureTools, onCleanup, scratchLabDir, trapSignals } from './lib/lab.js'
import { markdown, type BenchResults } from './lib/report.js'
import { vsAnsible, type Plan } from './suites/ansible.js'
import { bigDigest, mailSync } from './suites/migration.js'
import { cutoverAtScale } from './suites/cutover.js'
import { overhead } from './suites/overhead.js'
import type { BenchContext } from './lib/context.js'

interface Flags {
  rounds: number
  maxHosts: number
  only: Set<string>
  bigMailbox: number
  cutoverMessages: number
  out: string
}

const SUITES = ['overhead', 'ansible', 'migration', 'cutover'] as const

function parseFlags(argv: string[], root: string): Flags {
  const f: Flags = { rounds: 3, maxHosts: 50, only: new Set(SUITES), bigMailbox: 1_000_000, cutoverMessages: Number(process.env.TSPLAY_BENCH_CUTOVER_MESSAGES ?? 20_000), out: join(root, 'bench', 'results') }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const val = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new Error(`${a} needs a value`)
      return v
    }
    const int = (lo: number, hi: number): number => {
      const n = Number(val())
      if (!Number.isInteger(n) || n < lo || n > hi) throw new Error(`${a} must be a whole number from ${lo} to ${hi}`)
      return n
    }
    if (a === '--rounds') f.rounds = int(1, 20)
    else if (a === '--max-hosts') f.maxHosts = int(1, 100)
    else if (a === '--big-mailbox') f.bigMailbox = int(0, 2_000_000)
    else if (a === '--cutover-messages') f.cutoverMessages = int(1_000, 2_000_000)
    else if (a === '--out') f.out = val()
    else if (a === '--only') {
      f.only = new Set(val().split(','))
      for (const s of f.only) if (!(SUITES as readonly string[]).includes(s)) throw new Error(`--only: unknown suite ${s} (${SUITES.join(', ')})`)
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('node dist/bench/run.js [--rounds N] [--max-hosts 50|100] [--only overhead,ansible,migration,cutover] [--big-mailbox N (0: skip)] [--cutover-messages N] [--out DIR]\n')
      process.exit(0)
    } else throw new Error(`unknown option ${a}`)
  }
  return f
}

async function main(): Promise<void> {
  const root = projectRoot()
  const flags = parseFlags(process.argv.slice(2), root)
  const here = dirname(fileURLToPath(import.meta.url))
  const log = (line: string): void => void process.stdout.write(line + '\n')
  if (process.getuid?.() !== 0) throw new Error('the bench needs root (it brings up lab hosts in network namespaces)')
  trapSignals(log)
  // Packages first: never while hosts are up (they share this machine's / as their lower layer).
  ensureTools(log)
  const sizes = [1, 10, 50].filter((n) => n <= flags.maxHosts)
  const plans: Plan[] = sizes.map((n) => ({ hosts: n, tools: n === 10 ? ['tsplay', 'ansible-best', 'ansible-default'] : ['tsplay', 'ansible-best'] }))
  if (flags.maxHosts > 50) plans.push({ hosts: flags.maxHosts, tools: ['tsplay'] })
  const benchHosts = flags.only.has('ansible') ? flags.maxHosts : 1
  const mail = flags.only.has('migration') || flags.only.has('cutover')
  const tmp = mkdtempSync(join(tmpdir(), 'tsplay-bench-'))
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }))
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? '?', memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, ansible: ansibleVersion(), loadavgAtStart: loadavg() },
    settings: { rounds: flags.rounds, maxHosts: flags.maxHosts, labId: Number(process.env.TSPLAY_LAB_ID ?? 0), suites: [...flags.only] },
  }
  try {
    // Millions of files: the lab on a scratch filesystem that goes at once (see scratchLabDir).
    if (flags.only.has('cutover') && flags.cutoverMessages >= 100_000) {
      const n = flags.cutoverMessages
      scratchLabDir(Math.ceil((n * 3 * 4.6 * 1024 * 1.25) / 2 ** 30) + 4, Math.ceil(n * 3.3) + 500_000, log)
    }
    log(`Bringing up the lab (id ${results.settings.labId}): ${benchHosts} bench host(s)${mail ? ' + old/new/client' : ''}`)
    const lab = await bringUp({ hosts: benchHosts, mail, log: (l) => log(`  ${l}`) })
    const ctx: BenchContext = {
      root, cli: join(here, '..', 'src', 'cli.js'), floor: join(here, 'floor.js'), lab, inventory: defaultInventoryDir(), tmp, rounds: flags.rounds, log,
    }
    if (flags.only.has('overhead')) {
      log('1. Per-task overhead: 100 command tasks on h1, tsplay vs a bare ssh2 script')
      results.overhead = await overhead(ctx)
    }
    if (flags.only.has('ansible')) {
      log('2. pyinfra-shape playbook, tsplay vs ansible-playbook (and 4. controller cost)')
      results.ansible = await vsAnsible(ctx, plans)
    }
    if (flags.only.has('migration')) {
      log('3a. mail-sync: presync + final sync, 10 mailboxes × 1,000 messages, 1% churn')
      results.mailSync = await mailSync(ctx)
      if (flags.bigMailbox > 0) {
        log(`3b. maildir_digest on one mailbox of ${flags.bigMailbox.toLocaleString('en')} tiny messages`)
        results.digest = await bigDigest(ctx, flags.bigMailbox)
      }
    }
    if (flags.only.has('cutover')) {
      log(`5. Cutover at scale: ${flags.cutoverMessages.toLocaleString('en')} messages, 1% churn; tsplay's cutover vs stop + one plain rsync -aHAX --delete`)
      results.cutover = await cutoverAtScale(ctx, flags.cutoverMessages)
    }
  } finally {
    await cleanupAll(log)
  }
  results.machine.loadavgAtEnd = loadavg()
  const md = markdown(results)
  mkdirSync(flags.out, { recursive: true })
  writeFileSync(join(flags.out, 'latest.md'), md)
  writeFileSync(join(flags.out, 'latest.json'), JSON.stringify(results, null, 2) + '\n')
  log('\n' + md)
  log(`Written: ${join(flags.out, 'latest.md')} and latest.json`)
}

function loadavg(): string {
  return osLoadavg().map((x) => x.toFixed(2)).join(' ')
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error)?.stack ?? String(e)}\n`)
  process.exitCode = 1
})
