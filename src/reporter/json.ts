// --json: NDJSON, one line per event, the event itself plus `ts`. A public schema: see docs/events.md.
import { dispatch, type EventHandlers, type Reporter, type RunEvent } from '../events.js'
import { censorResult } from './hidden.js'

/** Where lines go: stdout, a file, or the run log kept in memory for the HTML report. */
export interface LineSink {
  write(text: string): unknown
}

export class JsonReporter implements Reporter {
  private readonly handlers: EventHandlers

  constructor(
    private readonly out: LineSink,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Written out per kind, though most are verbatim: a new kind must be looked at (does it
    // carry secrets? is it documented in docs/events.md?) before it compiles.
    const line = (e: RunEvent) => this.line(e)
    this.handlers = {
      'run-start': line,
      'play-start': line,
      'task-start': line,
      'task-result': (e) => this.line(e.noLog ? { ...e, result: censorResult(e.result) } : e),
      output: line,
      progress: line,
      report: line,
      warning: line,
      message: line,
      recap: line,
      'run-end': line,
    }
  }

  on(e: RunEvent): void {
    dispatch(this.handlers, e)
  }

  async close(): Promise<void> {}

  private line(e: RunEvent): void {
    this.out.write(JSON.stringify({ ...e, ts: this.now().toISOString() }, jsonSafe) + '\n')
  }
}

/** Module data is arbitrary; a bigint would make JSON.stringify throw mid-run. */
export function jsonSafe(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v
}
