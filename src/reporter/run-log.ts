// The run's --json lines, kept in memory: the HTML report is drawn from them and they are the run
// log written beside it. Being the very lines --json prints, a saved log makes the same report.
import type { Reporter, RunEvent } from '../events.js'
import { JsonReporter } from './json.js'

export class RunLogReporter implements Reporter {
  readonly lines: string[] = []
  /** Whether a task contributed report data (the `report` module): such runs write a report by default. */
  sawReport = false
  private readonly json: JsonReporter

  constructor(now: () => Date) {
    this.json = new JsonReporter({ write: (line: string) => this.lines.push(line) }, now)
  }

  on(e: RunEvent): void {
    if (e.kind === 'report') this.sawReport = true
    this.json.on(e)
  }

  async close(): Promise<void> {}

  get ndjson(): string {
    return this.lines.join('')
  }
}
