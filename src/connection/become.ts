// sudo for `become`, shared by the local and SSH transports. The password travels on stdin only
// after sudo's own (unique) prompt appears, and the command's stdin only after a success marker
// proves the command started, so a password can never leak into the command's input.
import { randomBytes } from 'node:crypto'
import type { BecomeOptions } from './connection.js'
import { quote } from './quote.js'

export interface BecomeWrap {
  cmd: string
  prompt: string
  marker: string
}

/** Wrap a shell command so it runs through sudo as `b.user` (default root). */
export function wrapBecome(cmd: string, b: BecomeOptions): BecomeWrap {
  const id = randomBytes(8).toString('hex')
  const prompt = `[tsplay-sudo-${id}] `
  const marker = `TSPLAY-BECOME-${id}`
  const user = b.user ?? 'root'
  // -n when there is no password: fail at once instead of waiting for a prompt nobody answers.
  const auth = b.password === undefined ? '-n' : `-S -p ${quote(prompt)}`
  const inner = `echo ${marker}; ${cmd}`
  return { cmd: `sudo -H ${auth} -u ${quote(user)} -- /bin/sh -c ${quote(inner)}`, prompt, marker }
}

/**
 * Drives one become'd command's stdio: answers sudo's prompt with the password once, strips the
 * prompt and marker from the output, then sends the real stdin. A second prompt means the
 * password was wrong: `fail` is called and the command should be killed.
 */
export class BecomeStdio {
  private started = false
  private prompts = 0
  private outBuf = ''
  private errBuf = ''

  constructor(
    private readonly wrap: BecomeWrap,
    private readonly password: string | undefined,
    private readonly stdin: string | Buffer | undefined,
    private readonly io: { write(d: string | Buffer): void; end(): void; fail(msg: string): void },
  ) {}

  /** Feed raw stdout; returns what belongs to the command's stdout. */
  stdout(chunk: string): string {
    if (this.started) return chunk
    this.outBuf += chunk
    const i = this.outBuf.indexOf(this.wrap.marker + '\n')
    if (i < 0) return ''
    this.started = true
    const rest = this.outBuf.slice(i + this.wrap.marker.length + 1)
    this.outBuf = ''
    if (this.stdin !== undefined) this.io.write(this.stdin)
    this.io.end()
    return rest
  }

  /** Feed raw stderr; returns what belongs to the command's stderr. */
  stderr(chunk: string): string {
    if (this.started) return chunk
    this.errBuf += chunk
    let out = ''
    let i: number
    while ((i = this.errBuf.indexOf(this.wrap.prompt)) >= 0) {
      out += this.errBuf.slice(0, i)
      this.errBuf = this.errBuf.slice(i + this.wrap.prompt.length)
      this.prompts++
      if (this.prompts > 1 || this.password === undefined) this.io.fail('sudo refused the become password (wrong password?)')
      else this.io.write(this.password + '\n')
    }
    // Keep a possible partial prompt at the end; pass the rest through.
    const keep = Math.min(this.errBuf.length, this.wrap.prompt.length - 1)
    out += this.errBuf.slice(0, this.errBuf.length - keep)
    this.errBuf = this.errBuf.slice(this.errBuf.length - keep)
    return out
  }

  /** Whatever is still buffered when the command ends (sudo's own error message, say). */
  flush(): { stdout: string; stderr: string } {
    const r = { stdout: this.outBuf, stderr: this.errBuf }
    this.outBuf = ''
    this.errBuf = ''
    return r
  }

  get commandStarted(): boolean {
    return this.started
  }
}
