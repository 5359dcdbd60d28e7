// sudo or su for `become`, shared by the local and SSH transports. The password travels on stdin
// only after the become program's prompt appears, and the command's stdin only after a success
// marker proves the command started, so a password can never leak into the command's input.
import { randomBytes } from 'node:crypto'
import type { BecomeOptions } from './connection.js'
import { quote } from './quote.js'

export interface BecomeWrap {
  cmd: string
  /** sudo gets a unique prompt of ours; su prints its own (PAM's "Password: "). */
  prompt: string | RegExp
  marker: string
  method: 'sudo' | 'su'
}

// PAM's password prompt as su prints it, in the languages Ansible's su plugin knows the most common
// of; it is the last, unfinished line of stderr (nothing follows until it is answered).
const SU_PROMPT = /(?:^|\n)([^\n]*(?:[Pp]assword|Passwort|[Mm]ot de passe|[Cc]ontrase(?:ñ|n)a|[Ss]enha|[Pp]arola|[Ww]achtwoord|[Hh]asło|Пароль|密码|密碼|パスワード|암호)[^\n]*[:：] ?)$/
const SU_REFUSED = /Authentication failure|incorrect password|Sorry/

/** Wrap a shell command so it runs as `b.user` (default root) through sudo, or su (`method: 'su'`). */
export function wrapBecome(cmd: string, b: BecomeOptions): BecomeWrap {
  const id = randomBytes(8).toString('hex')
  const marker = `TSPLAY-BECOME-${id}`
  const user = b.user ?? 'root'
  const inner = `echo ${marker}; ${cmd}`
  if (b.method === 'su') {
    // su runs the target user's shell with -c, as Ansible's su plugin; /bin/sh then runs ours.
    // No -l: the environment and working directory stay those of the command, like sudo's.
    return { cmd: `su ${quote(user)} -c ${quote(`/bin/sh -c ${quote(inner)}`)}`, prompt: SU_PROMPT, marker, method: 'su' }
  }
  const prompt = `[tsplay-sudo-${id}] `
  // -n when there is no password: fail at once instead of waiting for a prompt nobody answers.
  const auth = b.password === undefined ? '-n' : `-S -p ${quote(prompt)}`
  return { cmd: `sudo -H ${auth} -u ${quote(user)} -- /bin/sh -c ${quote(inner)}`, prompt, marker, method: 'sudo' }
}

/**
 * Drives one become'd command's stdio: answers sudo's prompt with the password once, strips the
 * prompt and marker from the output, then sends the real stdin. A second prompt means the
 * password was wrong: `fail` is called and the command should be killed.
 */
export class BecomeStdio {
  private started = false
  private prompts = 0
  private failed = false
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
    if (this.started) {
      const held = this.errBuf
      this.errBuf = ''
      return held + chunk
    }
    this.errBuf += chunk
    let out = ''
    for (let p = this.nextPrompt(); p; p = this.nextPrompt()) {
      out += this.errBuf.slice(0, p.start)
      this.errBuf = this.errBuf.slice(p.end)
      this.answer()
    }
    if (this.wrap.method === 'su' && this.prompts > 0 && SU_REFUSED.test(out + this.errBuf)) this.refused()
    // Keep what may be the start of a prompt (su: the unfinished last line); pass the rest through.
    const keep = typeof this.wrap.prompt === 'string' ? Math.min(this.errBuf.length, this.wrap.prompt.length - 1) : this.errBuf.length - (this.errBuf.lastIndexOf('\n') + 1)
    out += this.errBuf.slice(0, this.errBuf.length - keep)
    this.errBuf = this.errBuf.slice(this.errBuf.length - keep)
    return out
  }

  private nextPrompt(): { start: number; end: number } | undefined {
    const p = this.wrap.prompt
    if (typeof p === 'string') {
      const i = this.errBuf.indexOf(p)
      return i < 0 ? undefined : { start: i, end: i + p.length }
    }
    const m = p.exec(this.errBuf)
    return m ? { start: m.index + m[0].length - m[1]!.length, end: this.errBuf.length } : undefined
  }

  private answer(): void {
    this.prompts++
    if (this.password === undefined) {
      if (!this.failed) this.io.fail(`${this.wrap.method} asks for a password: set become_password (or ansible_become_password)`)
      this.failed = true
    } else if (this.prompts > 1) this.refused()
    else this.io.write(this.password + '\n')
  }

  private refused(): void {
    if (this.failed) return
    this.failed = true
    this.io.fail(`${this.wrap.method} refused the become password (wrong password?)`)
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
