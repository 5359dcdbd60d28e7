// Expected failures that the CLI prints as one clean message pointing at the user's file.
// Anything thrown that is not a TsplayError is a bug in tsplay and is printed with its stack.

/** A position in a user's file; line and col are 1-based. */
export interface SourcePos {
  file: string
  line: number
  col: number
}

/** Exit codes as ansible-playbook uses them. */
export const ExitCode = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  hostUnreachable: 3,
  parser: 4,
  badOptions: 5,
  interrupted: 99,
  unexpected: 250,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export interface TsplayErrorOptions {
  pos?: SourcePos
  /** What the user can do about it, printed after the message. */
  hint?: string
  cause?: unknown
}

export class TsplayError extends Error {
  readonly pos?: SourcePos
  readonly hint?: string
  readonly exitCode: ExitCode = ExitCode.error
  constructor(message: string, opts: TsplayErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = new.target.name
    this.pos = opts.pos
    this.hint = opts.hint
  }
}

/** Bad playbook, inventory, role, vars file or template: exit 4. */
export class ParseError extends TsplayError {
  override readonly exitCode = ExitCode.parser
}

/** Bad command-line options: exit 5. */
export class OptionsError extends TsplayError {
  override readonly exitCode = ExitCode.badOptions
}

/** A template or expression failed while the run was going (undefined variable...). */
export class TemplateError extends TsplayError {
  override readonly exitCode = ExitCode.parser
}

/** A module argument whose value cannot be used (a bad mode, regex, quoting), found by a helper
 * below plan(). The runner turns it into a failed task pointing at the line of `arg`. */
export class ArgError extends TsplayError {
  constructor(
    readonly arg: string,
    message: string,
    opts: TsplayErrorOptions = {},
  ) {
    super(message, opts)
  }
}

/** The run was stopped by SIGINT/SIGTERM. */
export class InterruptedError extends TsplayError {
  override readonly exitCode = ExitCode.interrupted
}

export function isTsplayError(e: unknown): e is TsplayError {
  return e instanceof TsplayError
}

export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${pos.line}:${pos.col}`
}
