// The one interface every transport implements (local child_process, ssh2). Modules and the
// executor only ever see this, so a module runs unchanged locally and over SSH.

export interface BecomeOptions {
  /** User to become; default root. */
  user?: string
  /** sudo/su password, sent on stdin, never on a command line or in a log. */
  password?: string
  /** How to become the user (become_method); default sudo. */
  method?: 'sudo' | 'su'
}

export type OutputStream = 'stdout' | 'stderr'

export interface ExecOptions {
  /** Bytes written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer
  /** Extra environment for the command (exported in the shell, values quoted). */
  env?: Record<string, string>
  /** Working directory for the command. */
  cwd?: string
  /** Run through sudo as this user. */
  become?: BecomeOptions
  /** Kill the command after this long; the result then has timedOut: true. */
  timeoutMs?: number
  /** Live output, for -v and the live reporter. */
  onOutput?: (stream: OutputStream, chunk: string) => void
  /** Abort (interrupt): the command is killed and the promise resolves with signal set. */
  signal?: AbortSignal
}

export interface ExecResult {
  /** Exit status; null when killed by a signal. */
  rc: number | null
  /** Signal name (e.g. 'KILL') when the command died of one. */
  signal?: string
  timedOut?: boolean
  stdout: string
  stderr: string
}

export interface PutOptions {
  /** Octal mode string ('0644') or number. */
  mode?: string | number
  owner?: string
  group?: string
  become?: BecomeOptions
}

export interface Connection {
  /** Inventory name of the host this connection reaches. */
  readonly host: string
  /** 'local' or 'ssh'. */
  readonly transport: string
  /**
   * Run `command` with /bin/sh -c on the target. The command string must have been built with
   * the quoting helper (src/connection/quote.ts). Never rejects for a non-zero exit: that is a
   * value in the result. Rejects only with UnreachableError when the host cannot be reached.
   */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>
  /** Write a file atomically (temp name in the same directory, then rename). */
  put(remotePath: string, content: string | Buffer, opts?: PutOptions): Promise<void>
  /** Read a whole file. Rejects with a TsplayError when it does not exist or cannot be read. */
  get(remotePath: string, opts?: { become?: BecomeOptions }): Promise<Buffer>
  close(): Promise<void>
}

/** The host could not be reached or dropped mid-run: the executor marks it unreachable. */
export class UnreachableError extends Error {
  constructor(
    readonly host: string,
    /** refused | timeout | auth | hostkey | dropped | dns | other */
    readonly reason: string,
    message: string,
    opts?: { cause?: unknown },
  ) {
    super(message, opts)
    this.name = 'UnreachableError'
  }
}

/** Connection parameters resolved from inventory vars (see docs/inventory.md for the names). */
export interface ConnectionSpec {
  /** Inventory name. */
  name: string
  /** 'local' | 'ssh' */
  transport: 'local' | 'ssh'
  address?: string
  port?: number
  user?: string
  password?: string
  privateKeyPath?: string
  privateKeyPassphrase?: string
  sshConfigFile?: string
  knownHostsFile?: string
  /** refuse unknown host keys unless true */
  acceptNewHostKeys?: boolean
  proxyJump?: string
  connectTimeoutMs?: number
  becomePassword?: string
}
