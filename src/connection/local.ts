// The controller itself as a target: commands through /bin/sh, files through node:fs (or sudo).
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmod, chown, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { userInfo } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { TsplayError } from '../errors.js'
import { BecomeStdio, wrapBecome } from './become.js'
import type { BecomeOptions, Connection, ExecOptions, ExecResult, PutOptions } from './connection.js'
import { UnreachableError } from './connection.js'
import { quote, sh } from './quote.js'

/** Grace between SIGTERM and SIGKILL when a timeout or abort stops a command. */
const KILL_GRACE_MS = 1000

export class LocalConnection implements Connection {
  readonly transport = 'local'
  private readonly me = userInfo()

  constructor(readonly host = 'localhost') {}

  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(command, opts, 'utf8')
  }

  async put(remotePath: string, content: string | Buffer, opts: PutOptions = {}): Promise<void> {
    const mode = parseMode(opts.mode, remotePath)
    if (this.needsSudo(opts.become)) {
      const r = await this.exec(becomePutScript(remotePath, mode, opts.owner, opts.group), { stdin: content, become: opts.become })
      if (r.rc !== 0) throw new TsplayError(`Cannot write ${remotePath}: ${r.stderr.trim() || `exit code ${r.rc}`}`)
      return
    }
    const tmp = join(dirname(remotePath), `.${basename(remotePath)}.tsplay-${randomBytes(6).toString('hex')}.tmp`)
    try {
      const old = await stat(remotePath).catch(() => undefined)
      // 0o666 minus the umask, like any new file; an existing file keeps its mode and owner.
      await writeFile(tmp, content, { flag: 'wx' })
      // Owner before mode: chown clears setuid/setgid bits.
      if (old && this.me.uid === 0) await chown(tmp, old.uid, old.gid)
      if (opts.owner !== undefined || opts.group !== undefined) await this.chownByName(tmp, opts.owner, opts.group)
      if (mode !== undefined) await chmod(tmp, mode)
      else if (old) await chmod(tmp, old.mode & 0o7777)
      await rename(tmp, remotePath)
    } catch (e) {
      await unlink(tmp).catch(() => undefined)
      if (e instanceof TsplayError) throw e
      throw fsError('write', remotePath, e)
    }
  }

  async get(remotePath: string, opts: { become?: BecomeOptions } = {}): Promise<Buffer> {
    if (!this.needsSudo(opts.become)) {
      try {
        return await readFile(remotePath)
      } catch (e) {
        throw fsError('read', remotePath, e)
      }
    }
    // latin1 maps bytes 1:1 to chars, so binary files survive the string-based become stdio.
    const r = await this.run(sh`cat -- ${remotePath}`, { become: opts.become }, 'latin1')
    if (r.rc !== 0) throw new TsplayError(`Cannot read ${remotePath}: ${r.stderr.trim() || `exit code ${r.rc}`}`)
    return Buffer.from(r.stdout, 'latin1')
  }

  async close(): Promise<void> {}

  /** sudo is needed unless we already are the user to become. */
  private needsSudo(b: BecomeOptions | undefined): b is BecomeOptions {
    if (!b) return false
    const user = b.user ?? 'root'
    return !(user === this.me.username || (user === 'root' && this.me.uid === 0))
  }

  private async chownByName(path: string, owner?: string, group?: string): Promise<void> {
    const spec = group === undefined ? owner! : `${owner ?? ''}:${group}`
    const r = await this.exec(sh`chown -- ${spec} ${path}`)
    if (r.rc !== 0) throw new TsplayError(`Cannot set owner of ${path} to ${spec}: ${r.stderr.trim()}`)
  }

  private run(command: string, opts: ExecOptions, encoding: 'utf8' | 'latin1'): Promise<ExecResult> {
    let script = prelude(opts) + command
    const become = this.needsSudo(opts.become) ? opts.become : undefined
    const wrap = become ? wrapBecome(script, become) : undefined
    if (wrap) script = wrap.cmd
    return new Promise((resolve, reject) => {
      // detached: the command leads its own process group, so a timeout kills its children too.
      const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      let timedOut = false
      let failMsg: string | undefined
      let killTimer: NodeJS.Timeout | undefined
      const kill = (): void => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
        signalGroup(child.pid, 'SIGTERM')
        killTimer ??= setTimeout(() => child.pid !== undefined && signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS)
      }
      const io = {
        write: (d: string | Buffer) => child.stdin.write(d),
        end: () => child.stdin.end(),
        fail: (msg: string) => {
          failMsg = msg
          kill()
        },
      }
      const bio = wrap ? new BecomeStdio(wrap, become?.password, opts.stdin, io) : undefined
      const emit = (stream: 'stdout' | 'stderr', text: string): void => {
        if (text === '') return
        if (stream === 'stdout') stdout += text
        else stderr += text
        if (encoding === 'utf8') opts.onOutput?.(stream, text)
      }
      const outDec = new StringDecoder(encoding)
      const errDec = new StringDecoder(encoding)
      child.stdout.on('data', (b: Buffer) => {
        const s = outDec.write(b)
        emit('stdout', bio ? bio.stdout(s) : s)
      })
      child.stderr.on('data', (b: Buffer) => {
        const s = errDec.write(b)
        emit('stderr', bio ? bio.stderr(s) : s)
      })
      // A command that exits without reading its stdin makes our write fail with EPIPE: harmless.
      child.stdin.on('error', () => undefined)
      if (!bio) {
        if (opts.stdin !== undefined) child.stdin.write(opts.stdin)
        child.stdin.end()
      }
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true
            kill()
          }, opts.timeoutMs)
        : undefined
      const onAbort = (): void => kill()
      if (opts.signal?.aborted) queueMicrotask(onAbort)
      else opts.signal?.addEventListener('abort', onAbort, { once: true })
      child.on('error', (e) => {
        cleanup()
        reject(new UnreachableError(this.host, 'other', `Cannot start /bin/sh on ${this.host}: ${e.message}`, { cause: e }))
      })
      child.on('close', (code, sig) => {
        cleanup()
        emit('stdout', outDec.end())
        emit('stderr', errDec.end())
        if (bio) {
          const rest = bio.flush()
          // Before the start marker, leftovers are sudo's own words: they belong on stderr.
          emit('stderr', rest.stdout + rest.stderr)
        }
        if (failMsg !== undefined) {
          resolve({ rc: 1, stdout, stderr: stderr + (stderr && !stderr.endsWith('\n') ? '\n' : '') + failMsg })
          return
        }
        const r: ExecResult = { rc: code, stdout, stderr }
        if (sig) r.signal = sig.replace(/^SIG/, '')
        if (timedOut) r.timedOut = true
        resolve(r)
      })
      function cleanup(): void {
        if (timer) clearTimeout(timer)
        if (killTimer) clearTimeout(killTimer)
        opts.signal?.removeEventListener('abort', onAbort)
      }
    })
  }
}

/** Exports env and enters cwd inside the command itself, so both survive sudo. */
function prelude(opts: ExecOptions): string {
  let p = ''
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TsplayError(`Invalid environment variable name '${k}'`)
    p += `export ${k}=${quote(v)}\n`
  }
  if (opts.cwd !== undefined) p += sh`cd -- ${opts.cwd} || exit 1` + '\n'
  return p
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig)
  } catch {
    // Already gone.
  }
}

/** '0644' or 0o644 → number; undefined stays undefined. */
export function parseMode(mode: string | number | undefined, path: string): number | undefined {
  if (mode === undefined) return undefined
  if (typeof mode === 'number') return mode
  if (!/^0?[0-7]{3,4}$/.test(mode)) throw new TsplayError(`Invalid mode '${mode}' for ${path}: use an octal string like '0644'`)
  return parseInt(mode, 8)
}

/**
 * A shell script that writes its stdin to `path` atomically as the become user: temp file in the
 * same folder, mode and owner set, then mv. Shared with transports that put through sudo.
 */
export function becomePutScript(path: string, mode: number | undefined, owner?: string, group?: string): string {
  const dir = dirname(path)
  const tmpl = join(dir, `.${basename(path)}.tsplay-XXXXXXXX`)
  const lines = [
    'set -e',
    sh`t=$(mktemp ${tmpl})`,
    `trap 'rm -f "$t"' EXIT`,
    `cat > "$t"`,
    // mktemp makes 0600; a new file gets the usual umask mode, an existing one keeps its own.
    sh`if [ -e ${path} ]; then chmod --reference=${path} "$t"; chown --reference=${path} "$t" 2>/dev/null || true; else chmod "$(printf '%o' $((0666 & ~$(umask))))" "$t"; fi`,
  ]
  if (owner !== undefined || group !== undefined) {
    const spec = group === undefined ? owner! : `${owner ?? ''}:${group}`
    lines.push(sh`chown -- ${spec} "$t"`)
  }
  if (mode !== undefined) lines.push(sh`chmod ${mode.toString(8).padStart(4, '0')} "$t"`)
  lines.push(sh`mv -f -- "$t" ${path}`, 'trap - EXIT')
  return lines.join('\n')
}

function fsError(verb: 'read' | 'write', path: string, e: unknown): TsplayError {
  const code = (e as NodeJS.ErrnoException).code
  const why =
    code === 'ENOENT' ? (verb === 'read' ? 'it does not exist' : `folder ${dirname(path)} does not exist`)
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a folder'
    : String((e as Error).message)
  const hint = code === 'EACCES' || code === 'EPERM' ? 'Use become: true to act as root.' : undefined
  return new TsplayError(`Cannot ${verb} ${path}: ${why}`, { hint, cause: e })
}
