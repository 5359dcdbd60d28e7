// Run one command and measure it: wall time, CPU (user+sys of the whole waited-for process tree,
// from /usr/bin/time), the largest single process's peak RSS, and the peak of the tree's summed
// RSS (sampled from /proc every 50 ms: Ansible forks one worker per host, so the largest process
// alone understates what it costs).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Measured {
  wallMs: number
  /** user+sys CPU of the process and every descendant it waited for. */
  cpuMs: number
  userMs: number
  sysMs: number
  /** Peak RSS of the largest single process (getrusage ru_maxrss), KiB. */
  maxRssKb: number
  /** Peak of the summed RSS of the process tree (sampled), KiB. */
  treeRssKb: number
  code: number
  /** Last lines of stdout+stderr, for error messages. */
  tail: string
  /** All of stdout, with `capture`. */
  stdout: string
}

export interface RunOpts {
  env?: NodeJS.ProcessEnv
  cwd?: string
  timeoutMs?: number
  /** Keep the whole stdout (else only the last 4000 characters of stdout+stderr). */
  capture?: boolean
  /** Each line of stdout as it comes, none kept (a million-file run's --json is more than a
   * string can hold). */
  onLine?: (line: string) => void
}

const SAMPLE_MS = 50

export async function measure(argv: readonly string[], opts: RunOpts = {}): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-bench-time-'))
  const out = join(dir, 'time')
  try {
    const started = process.hrtime.bigint()
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', out, '--', ...argv], {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let tail = ''
    const chunks: Buffer[] = []
    const keep = (b: Buffer): void => {
      tail = (tail + b.toString()).slice(-4000)
    }
    let partial: Buffer[] = []
    const lines = (b: Buffer): void => {
      for (let at = 0; ; ) {
        const nl = b.indexOf(10, at)
        if (nl === -1) {
          if (at < b.length) partial.push(b.subarray(at))
          return
        }
        partial.push(b.subarray(at, nl))
        opts.onLine!(Buffer.concat(partial).toString())
        partial = []
        at = nl + 1
      }
    }
    child.stdout.on('data', (b: Buffer) => {
      if (opts.capture) chunks.push(b)
      if (opts.onLine) lines(b)
      keep(b)
    })
    child.stderr.on('data', keep)
    let treeRssKb = 0
    const sampler = setInterval(() => {
      if (child.pid !== undefined) treeRssKb = Math.max(treeRssKb, treeRss(child.pid))
    }, SAMPLE_MS)
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined
    const code = await new Promise<number>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', (c) => resolve(c ?? -1))
    })
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6
    if (opts.onLine && partial.length) opts.onLine(Buffer.concat(partial).toString())
    clearInterval(sampler)
    if (timer) clearTimeout(timer)
    const f = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number)
    const userMs = (f[1] ?? 0) * 1000
    const sysMs = (f[2] ?? 0) * 1000
    const maxRssKb = f[3] ?? 0
    // /usr/bin/time's own RSS is tiny; the first sample may miss a very short run.
    return { wallMs, cpuMs: userMs + sysMs, userMs, sysMs, maxRssKb, treeRssKb: Math.max(treeRssKb, maxRssKb), code, tail, stdout: Buffer.concat(chunks).toString() }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Summed VmRSS (KiB) of pid and its descendants, via /proc/PID/task/TID/children. */
export function treeRss(root: number): number {
  let total = 0
  const stack = [root]
  const seen = new Set<number>()
  while (stack.length > 0) {
    const pid = stack.pop()!
    if (seen.has(pid)) continue
    seen.add(pid)
    try {
      const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')
      total += (Number(statm[1]) * 4096) / 1024
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim()
        if (kids) for (const k of kids.split(' ')) stack.push(Number(k))
      }
    } catch {
      // The process ended between two reads.
    }
  }
  return total
}

/** utime+stime of one live process, ms (for daemons a run left behind, read before stopping them). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the command name; clock ticks of 10 ms.
    return (Number(f[11]) + Number(f[12])) * 10
  } catch {
    return 0
  }
}
