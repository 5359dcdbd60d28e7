// The terminal reporter: one live line per task with hosts done/total, then plain's diffs and recap.
import { dispatch, type EventHandlers, type EventOf, type Reporter, type RunEvent } from '../events.js'
import type { TaskStatus } from '../executor/result.js'
import { banner, taskLabel } from './banner.js'
import { displayed, formatResult } from './format-result.js'
import { LiveTask } from './listr.js'
import { LiveOutput } from './live-output.js'
import type { Palette } from './paint.js'
import { formatProgress } from './progress.js'
import { formatRecap } from './recap.js'

export interface TtyOptions {
  verbose: number
  diff: boolean
  color: boolean
  p: Palette
  out: NodeJS.WritableStream
}

type ResultEvent = EventOf<'task-result'>

/** The task being drawn, with what its title needs. */
interface Current {
  live: LiveTask
  banner: string
  name: string
  hosts: Set<string>
  counts: Map<TaskStatus, number>
  failedHosts: string[]
  started: number
  /** Lines printed under the list once it stops: failures, debug messages, -v details. */
  after: string
}

export class TtyReporter implements Reporter {
  private readonly handlers: EventHandlers
  // Everything written goes through this chain: while a list draws, listr2 owns the stream.
  private queue: Promise<void> = Promise.resolve()
  private current?: Current
  private readonly live = new LiveOutput()
  /** Diffs wait for the end, as plain prints them: task banner, diff, status line. */
  private diffs = ''
  private recapDone = false

  constructor(private readonly o: TtyOptions) {
    const { p } = o
    this.handlers = {
      'run-start': () => {},
      'play-start': (e) => {
        this.finish()
        this.print(`\n${banner(`PLAY [${e.name}]`)}\n`)
        if (e.hosts.length === 0) this.print(p.skipped('skipping: no hosts matched') + '\n')
      },
      'task-start': (e) => {
        this.finish()
        const label = taskLabel(e.name, e.role)
        const title = e.handler ? `RUNNING HANDLER [${label}]` : `TASK [${label}]`
        const cur: Current = {
          live: new LiveTask(title, { out: o.out, color: o.color }),
          banner: title,
          name: e.name,
          hosts: new Set(e.hosts),
          counts: new Map(),
          failedHosts: [],
          started: Date.now(),
          after: '',
        }
        this.current = cur
        cur.live.setTitle(this.title(cur))
        this.enqueue(() => cur.live.run())
      },
      'task-result': (e) => this.result(e),
      output: (e) => {
        const lines = this.live.push(e)
        if (this.o.verbose >= 2 && lines && this.current) {
          this.current.live.setOutput(lines.trimEnd().split('\n').pop()!)
        }
      },
      // The live line's output bar shows the latest count; events come at most once a second.
      progress: (e) => this.current?.live.setOutput(`${e.host}: ${formatProgress(e)}`),
      report: () => {},
      warning: (e) => this.say(p.warn(`[WARNING]: ${e.message}`) + '\n'),
      message: (e) => this.say(e.text.endsWith('\n') ? e.text : `${e.text}\n`),
      recap: (e) => {
        this.finish()
        this.printDiffs()
        this.print(`\n${formatRecap(e.hosts, p)}\n`)
        this.recapDone = true
      },
      'run-end': () => this.finish(),
    }
  }

  on(e: RunEvent): void {
    dispatch(this.handlers, e)
  }

  async close(): Promise<void> {
    this.finish()
    if (!this.recapDone) this.printDiffs()
    await this.queue
  }

  private result(e: ResultEvent): void {
    const cur = this.current
    const r = e.result
    const fmt = { verbose: this.o.verbose, diff: false, p: this.o.p }
    const failed = r.status === 'failed' || r.status === 'unreachable'
    const shown = failed || this.o.verbose >= 1 || (displayed(r) !== undefined && !e.noLog) || hasFailedItem(e)
    if (this.o.diff && !e.noLog && hasDiff(e)) {
      this.diffs += `\n${banner(cur?.name === e.task ? cur.banner : `TASK [${e.task}]`)}\n`
      this.diffs += formatResult(e, { ...fmt, diff: true, verbose: 0 })
    }
    // A result for a task we never saw start (or a late one) is still reported, never a crash.
    if (!cur || cur.name !== e.task) {
      if (shown) this.print(formatResult(e, fmt))
      return
    }
    cur.hosts.add(e.host)
    cur.counts.set(r.status, (cur.counts.get(r.status) ?? 0) + 1)
    if (failed && !r.ignored) cur.failedHosts.push(e.host)
    if (shown) cur.after += formatResult(e, fmt)
    cur.live.setTitle(this.title(cur))
  }

  private title(cur: Current, final = false): string {
    const { p } = this.o
    const done = [...cur.counts.values()].reduce((a, b) => a + b, 0)
    const parts = [`${done}/${cur.hosts.size}`]
    const paints: Array<[TaskStatus, string, (s: string) => string]> = [
      ['changed', 'changed', p.changed],
      ['skipped', 'skipped', p.skipped],
      ['failed', 'failed', p.failed],
      ['unreachable', 'unreachable', p.unreachable],
    ]
    for (const [status, word, paint] of paints) {
      const n = cur.counts.get(status) ?? 0
      if (n > 0) parts.push(paint(`${word}=${n}`))
    }
    if (final) parts.push(`(${((Date.now() - cur.started) / 1000).toFixed(1)}s)`)
    return `${cur.banner}  ${parts.join(' ')}`
  }

  /** Stop drawing the current task: red when a host failed for real, then its details. */
  private finish(): void {
    const cur = this.current
    if (!cur) return
    this.current = undefined
    const title = this.title(cur, true)
    const failed = cur.failedHosts.length ? `${title}  ${this.o.p.failed(`fatal: ${cur.failedHosts.join(', ')}`)}` : undefined
    cur.live.finish(title, failed)
    // Live lines were only ever a preview in the output bar; -v prints the full stdout after.
    this.live.flush()
    this.print(cur.after)
  }

  /** Text that arrives while a task draws is previewed under its live line (a Ctrl-C notice
   * must be seen at once) and printed in full, in arrival order, once the task stops. */
  private say(text: string): void {
    if (!this.current) return this.print(text)
    this.current.after += text
    this.current.live.setOutput(text.trimEnd().split('\n').pop() ?? '')
  }

  private printDiffs(): void {
    this.print(this.diffs)
    this.diffs = ''
  }

  private print(text: string): void {
    if (text === '') return
    this.enqueue(async () => {
      this.o.out.write(text)
    })
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(step)
  }
}

function hasDiff(e: ResultEvent): boolean {
  return !!e.result.diff?.length || !!e.result.items?.some((i) => i.diff?.length)
}

function hasFailedItem(e: ResultEvent): boolean {
  return !!e.result.items?.some((i) => i.status === 'failed' || i.status === 'unreachable')
}
