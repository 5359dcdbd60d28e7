// The default reporter off a terminal: ansible-playbook's own output, line by line, append-only.
import { formatPos } from '../errors.js'
import { dispatch, type EventHandlers, type Reporter, type RunEvent } from '../events.js'
import { banner, taskLabel } from './banner.js'
import { formatResult } from './format-result.js'
import { LiveOutput } from './live-output.js'
import type { Palette } from './paint.js'
import { formatProgress, ProgressPacer } from './progress.js'
import { formatRecap } from './recap.js'

export interface PlainOptions {
  verbose: number
  diff: boolean
  p: Palette
  out: NodeJS.WritableStream
}

export class PlainReporter implements Reporter {
  private readonly live = new LiveOutput()
  private readonly pacer = new ProgressPacer()
  private readonly handlers: EventHandlers

  constructor(private readonly o: PlainOptions) {
    const { verbose, p } = o
    this.handlers = {
      'run-start': (e) => {
        if (verbose >= 2) this.write(`\n${banner(`PLAYBOOK: ${e.playbook}`)}\n`)
      },
      'play-start': (e) => {
        this.write(`\n${banner(`PLAY [${e.name}]`)}\n`)
        if (e.hosts.length === 0) this.write(p.skipped('skipping: no hosts matched') + '\n')
      },
      'task-start': (e) => {
        const label = taskLabel(e.name, e.role)
        this.write(`\n${banner(e.handler ? `RUNNING HANDLER [${label}]` : `TASK [${label}]`)}\n`)
        if (verbose >= 2) this.write(`task path: ${formatPos(e.pos)}\n`)
      },
      'task-result': (e) => {
        this.pacer.forget(e.host, e.task)
        this.write(this.live.flush(e.host))
        this.write(formatResult(e, { verbose, diff: o.diff, p }))
      },
      output: (e) => {
        if (verbose >= 2) this.write(p.dim(this.live.push(e)))
      },
      progress: (e) => {
        if (this.pacer.shouldPrint(e)) this.write(p.dim(`progress: [${e.host}] ${formatProgress(e)}`) + '\n')
      },
      // The report module's data is for the HTML report; the task's own line says it was added.
      report: () => {},
      warning: (e) => {
        const at = e.pos ? ` (${formatPos(e.pos)})` : ''
        this.write(p.warn(`[WARNING]: ${e.message}${at}`) + '\n')
      },
      message: (e) => {
        this.write(e.text.endsWith('\n') ? e.text : `${e.text}\n`)
      },
      recap: (e) => {
        this.write(`\n${formatRecap(e.hosts, p)}\n`)
      },
      'run-end': () => {
        this.write(p.dim(this.live.flush()))
      },
    }
  }

  on(e: RunEvent): void {
    dispatch(this.handlers, e)
  }

  async close(): Promise<void> {
    this.write(this.o.p.dim(this.live.flush()))
  }

  private write(text: string): void {
    if (text !== '') this.o.out.write(text)
  }
}
