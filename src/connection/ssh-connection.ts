// One live ssh2 connection: exec channels (bounded), SFTP on the same connection, sudo through
// become, and a drop detected for every pending command. Type-only use of ssh2: the client is
// made in ssh.ts, the one file that loads the library.
import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import type ssh2 from 'ssh2'
import type { SFTPWrapper } from 'ssh2'
import { TsplayError } from '../errors.js'
import { wrapBecome } from './become.js'
import { runChannel, shellPrefix } from './ssh-channel.js'
import type { BecomeOptions, Connection, ExecOptions, ExecResult, PutOptions } from './connection.js'
import { UnreachableError } from './connection.js'
import { raw, sh } from './quote.js'

type Client = InstanceType<typeof ssh2.Client>

// OpenSSH's MaxSessions defaults to 10 channels per connection; SFTP holds one.
const MAX_CHANNELS = 8

/** A connection whose exec, put and get all ride the one ssh2 Client. */
export class SshConnection implements Connection {
  readonly transport = 'ssh'
  private gone: UnreachableError | undefined
  private closing = false
  private readonly pending = new Set<(e: UnreachableError) => void>()
  private sftpP: Promise<SFTPWrapper> | undefined
  private active = 0
  private readonly queue: Array<() => void> = []

  constructor(
    readonly host: string,
    private readonly loginUser: string,
    private readonly client: Client,
    private readonly hops: Client[],
  ) {
    const lost = (): void => {
      if (this.closing || this.gone) return
      this.gone = new UnreachableError(host, 'dropped', `ssh ${host}: connection dropped`)
      for (const r of this.pending) r(this.gone)
      this.pending.clear()
    }
    client.on('end', lost).on('close', lost)
    client.on('error', () => lost())
  }

  /** Settle with `run`, or reject with 'dropped' if the connection goes first. */
  private guard<T>(run: (resolve: (v: T) => void, reject: (e: unknown) => void) => void): Promise<T> {
    if (this.gone) return Promise.reject(this.gone)
    return new Promise<T>((resolve, reject) => {
      const onLost = (e: UnreachableError): void => reject(e)
      this.pending.add(onLost)
      const end = (): boolean => this.pending.delete(onLost)
      run(
        (v) => (end(), resolve(v)),
        (e) => (end(), reject(this.gone ?? e)),
      )
    })
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= MAX_CHANNELS) await new Promise<void>((r) => this.queue.push(r))
    this.active++
    try {
      return await fn()
    } finally {
      this.active--
      this.queue.shift()?.()
    }
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.slot(() => this.execNow(command, opts))
  }

  private execNow(command: string, opts: ExecOptions): Promise<ExecResult> {
    // A per-command id in the environment lets us find and kill its processes when sshd refuses
    // signal requests (it does for root logins, which run without privilege separation).
    const id = randomBytes(8).toString('hex')
    const inner = shellPrefix(opts) + command
    const become = this.becomeNeeded(opts.become) ? opts.become : undefined
    const wrap = become ? wrapBecome(inner, become) : undefined
    // /bin/sh -c gives every command the same shell; exec makes that sh the session's process, so
    // its exit status and death by signal reach us unchanged. The id rides on a prefix assignment
    // (POSIX login shells: sh, bash, dash, zsh), which puts it in sh's environment without the
    // extra execve of `/usr/bin/env` (~1 ms a command). The id is hex: no quoting needed.
    const full = sh`${raw(`TSPLAY_EXEC_ID=${id}`)} exec /bin/sh -c ${wrap ? wrap.cmd : inner}`
    return this.guard<ExecResult>((resolve, reject) => {
      const open = (attempt: number): void => {
        this.client.exec(full, (err, ch) => {
          // sshd frees a session slot a moment after the close: a refused open is worth a retry.
          if (err && !this.gone && attempt < 20) return void setTimeout(() => open(attempt + 1), 50)
          if (err) return reject(new UnreachableError(this.host, 'other', `ssh ${this.host}: cannot open a channel: ${err.message}`, { cause: err }))
          runChannel(ch, opts, wrap, become?.password, resolve, () => void this.killById(id))
        })
      }
      open(0)
    })
  }

  private killById(id: string): Promise<unknown> {
    const match = `TSPLAY_EXEC_ID=${id}`
    const script = sh`for p in /proc/[0-9]*; do grep -qsxz ${match} "$p/environ" && kill -KILL "\${p#/proc/}"; done 2>/dev/null; true`
    return this.execNow(script, {}).catch(() => undefined)
  }

  /** become is a no-op when we already log in as the target user. */
  private becomeNeeded(b: BecomeOptions | undefined): boolean {
    return b !== undefined && (b.user ?? 'root') !== this.loginUser
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpP ??= this.guard<SFTPWrapper>((resolve, reject) => {
      this.client.sftp((err, s) => {
        if (err) return reject(new UnreachableError(this.host, 'other', `ssh ${this.host}: cannot start SFTP: ${err.message}`, { cause: err }))
        s.on('close', () => (this.sftpP = undefined))
        resolve(s)
      })
    })
    return this.sftpP
  }

  /** Run one SFTP call, mapping failures to a TsplayError naming the path (or 'dropped'). */
  private sftpCall<T>(what: string, path: string, fn: (s: SFTPWrapper, cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
    return this.sftp().then((s) =>
      this.guard<T>((resolve, reject) =>
        fn(s, (err, v) => (err ? reject(new TsplayError(`${what} ${path} on ${this.host} failed: ${err.message}`, { cause: err })) : resolve(v as T))),
      ),
    )
  }

  async put(remotePath: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const data = typeof content === 'string' ? Buffer.from(content) : content
    const mode = opts.mode === undefined ? undefined : typeof opts.mode === 'number' ? opts.mode : parseInt(opts.mode, 8)
    if (mode !== undefined && !(mode >= 0 && mode <= 0o7777)) throw new TsplayError(`bad mode for ${remotePath}: ${String(opts.mode)}`)
    if (this.becomeNeeded(opts.become)) return this.putBecome(remotePath, data, mode, opts)
    const tmp = posix.join(posix.dirname(remotePath), `.tsplay-${randomBytes(6).toString('hex')}.tmp`)
    await this.upload(tmp, data)
    try {
      const keep = mode ?? (await this.sftpCall<{ mode: number }>('stat', remotePath, (s, cb) => s.stat(remotePath, cb)).catch(() => undefined))?.mode
      await this.sftpCall('chmod', tmp, (s, cb) => s.chmod(tmp, (keep ?? 0o644) & 0o7777, cb))
      if (opts.owner !== undefined || opts.group !== undefined) await this.mustExec(sh`chown -- ${ownerSpec(opts)} ${tmp}`, `chown ${remotePath}`)
      await this.rename(tmp, remotePath)
    } catch (e) {
      await this.sftpCall('unlink', tmp, (s, cb) => s.unlink(tmp, cb)).catch(() => undefined)
      throw e
    }
  }

  /** As another user: stage where the login user can write, then install it as root through sudo. */
  private async putBecome(remotePath: string, data: Buffer, mode: number | undefined, opts: PutOptions): Promise<void> {
    const become = opts.become!
    const dir = posix.dirname(remotePath)
    const tmp = posix.join(dir, `.tsplay-${randomBytes(6).toString('hex')}.tmp`)
    // Without a mode, keep the mode of the file being replaced (644 for a new one), as the SFTP path does.
    const m = mode === undefined ? sh`"$(stat -c %a -- ${remotePath} 2>/dev/null || echo 644)"` : sh`${mode.toString(8)}`
    const own = opts.owner !== undefined || opts.group !== undefined ? sh`chown -- ${ownerSpec(opts)} ${tmp} && ` : ''
    const finish = sh`chmod ${raw(m)} ${tmp} && ${raw(own)}mv -f -- ${tmp} ${remotePath} || { rm -f -- ${tmp}; exit 1; }`
    if ((become.user ?? 'root') !== 'root') {
      // A non-root become user cannot read the login user's staging file: send the bytes on stdin.
      await this.mustExec(sh`umask 077 && cat > ${tmp} && ${raw(finish)}`, `put ${remotePath}`, { become, stdin: data })
      return
    }
    const stage = (await this.mustExec('umask 077 && mktemp /tmp/tsplay-put.XXXXXXXXXX', 'mktemp')).stdout.trim()
    try {
      await this.upload(stage, data)
      await this.mustExec(sh`install -m 600 -- ${stage} ${tmp} && ${raw(finish)}`, `put ${remotePath}`, { become })
    } finally {
      await this.exec(sh`rm -f -- ${stage}`).catch(() => undefined)
    }
  }

  /** Pipelined SFTP writes: a window of outstanding requests instead of one round trip per chunk. */
  private async upload(path: string, data: Buffer): Promise<void> {
    const h = await this.sftpCall<Buffer>('open', path, (s, cb) => s.open(path, 'w', { mode: 0o600 }, cb))
    const CHUNK = 32 * 1024
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < data.length) {
        const off = next
        next += CHUNK
        const len = Math.min(CHUNK, data.length - off)
        await this.sftpCall('write', path, (s, cb) => s.write(h, data, off, len, off, cb))
      }
    }
    try {
      await Promise.all(Array.from({ length: 16 }, worker))
    } finally {
      await this.sftpCall('close', path, (s, cb) => s.close(h, cb))
    }
  }

  private async rename(from: string, to: string): Promise<void> {
    try {
      await this.sftpCall('rename', to, (s, cb) => s.ext_openssh_rename(from, to, cb))
    } catch (e) {
      if (e instanceof UnreachableError) throw e
      // No posix-rename extension: plain SFTP rename refuses to overwrite, so make room first.
      await this.sftpCall('unlink', to, (s, cb) => s.unlink(to, cb)).catch(() => undefined)
      await this.sftpCall('rename', to, (s, cb) => s.rename(from, to, cb))
    }
  }

  async get(remotePath: string, opts: { become?: BecomeOptions } = {}): Promise<Buffer> {
    if (this.becomeNeeded(opts.become)) {
      // base64 keeps binary intact through the text-oriented become stdio.
      const r = await this.mustExec(sh`base64 < ${remotePath}`, `read ${remotePath}`, { become: opts.become })
      return Buffer.from(r.stdout, 'base64')
    }
    return this.sftpCall<Buffer>('read', remotePath, (s, cb) => s.readFile(remotePath, cb))
  }

  private async mustExec(cmd: string, what: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.exec(cmd, opts)
    if (r.rc !== 0) throw new TsplayError(`${what} on ${this.host} failed (exit ${r.rc ?? r.signal}): ${r.stderr.trim()}`)
    return r
  }

  async close(): Promise<void> {
    this.closing = true
    for (const c of [this.client, ...this.hops.filter((h) => h !== this.client).reverse()]) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => (c.destroy(), resolve()), 2000)
        c.once('close', () => (clearTimeout(t), resolve()))
        c.end()
      })
    }
  }
}

function ownerSpec(o: PutOptions): string {
  return o.group === undefined ? o.owner! : `${o.owner ?? ''}:${o.group}`
}

