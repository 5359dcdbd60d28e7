// Several reporters listening to one run (the console and the run log behind the HTML report),
// with one timestamp per event, so `ts` in --json and in the run log are the same.
import type { Reporter, RunEvent } from '../events.js'

/** The time of the event being reported, read by every reporter that stamps events. */
export class SharedClock {
  private stamp = new Date()
  constructor(private readonly clock: () => Date = () => new Date()) {}
  readonly now = (): Date => this.stamp
  tick(): void {
    this.stamp = this.clock()
  }
}

export class TeeReporter implements Reporter {
  constructor(
    private readonly reporters: Reporter[],
    private readonly clock: SharedClock,
  ) {}

  on(e: RunEvent): void {
    this.clock.tick()
    for (const r of this.reporters) r.on(e)
  }

  async close(): Promise<void> {
    for (const r of this.reporters) await r.close()
  }
}
