// Picks the reporter for a run: live list on a terminal, Ansible-style lines otherwise, NDJSON for tools.
import type { Reporter } from '../events.js'
import type { SecretRegistry } from '../vault/secrets.js'
import { JsonReporter } from './json.js'
import { MaskingReporter } from './masked.js'
import { palette } from './paint.js'
import { PlainReporter } from './plain.js'
import type { RunLogReporter } from './run-log.js'
import { TeeReporter, type SharedClock } from './tee.js'
import { TtyReporter } from './tty.js'

export { chooseMode, useColor, type ReporterMode } from './mode.js'
export { HIDDEN_MSG } from './hidden.js'
export { RunLogReporter } from './run-log.js'
export { SharedClock } from './tee.js'

export interface ReporterOptions {
  mode: 'tty' | 'plain' | 'json'
  /** Number of -v flags. */
  verbose: number
  /** --diff: print before/after of what changed. */
  diff: boolean
  color: boolean
  out: NodeJS.WritableStream
  /** Secrets to hide in everything printed (vault values, passwords). */
  secrets?: SecretRegistry
  /** Also keep the run log for the HTML report (masked like the rest), stamped with the same clock. */
  runLog?: { reporter: RunLogReporter; clock: SharedClock }
}

export function createReporter(opts: ReporterOptions): Reporter {
  const console = createInner(opts)
  const inner = opts.runLog ? new TeeReporter([console, opts.runLog.reporter], opts.runLog.clock) : console
  return opts.secrets ? new MaskingReporter(inner, opts.secrets) : inner
}

function createInner(opts: ReporterOptions): Reporter {
  const p = palette(opts.color)
  switch (opts.mode) {
    case 'json':
      return new JsonReporter(opts.out, opts.runLog?.clock.now)
    case 'plain':
      return new PlainReporter({ verbose: opts.verbose, diff: opts.diff, p, out: opts.out })
    case 'tty':
      return new TtyReporter({ verbose: opts.verbose, diff: opts.diff, color: opts.color, p, out: opts.out })
  }
}
