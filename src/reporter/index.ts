// Picks the reporter for a run: live list on a terminal, Ansible-style lines otherwise, NDJSON for tools.
import type { Reporter } from '../events.js'
import type { SecretRegistry } from '../vault/secrets.js'
import { JsonReporter } from './json.js'
import { MaskingReporter } from './masked.js'
import { palette } from './paint.js'
import { PlainReporter } from './plain.js'
import { TtyReporter } from './tty.js'

export { chooseMode, useColor, type ReporterMode } from './mode.js'
export { HIDDEN_MSG } from './hidden.js'

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
}

export function createReporter(opts: ReporterOptions): Reporter {
  const inner = createInner(opts)
  return opts.secrets ? new MaskingReporter(inner, opts.secrets) : inner
}

function createInner(opts: ReporterOptions): Reporter {
  const p = palette(opts.color)
  switch (opts.mode) {
    case 'json':
      return new JsonReporter(opts.out)
    case 'plain':
      return new PlainReporter({ verbose: opts.verbose, diff: opts.diff, p, out: opts.out })
    case 'tty':
      return new TtyReporter({ verbose: opts.verbose, diff: opts.diff, color: opts.color, p, out: opts.out })
  }
}
