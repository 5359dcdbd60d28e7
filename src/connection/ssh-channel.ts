// One exec channel driven to its end: stdin, the become prompt, streaming, timeout/abort and
// the exit status. Type-only use of ssh2 (the library is loaded in ssh.ts).
import { StringDecoder } from 'node:string_decoder'
import type { ClientChannel } from 'ssh2'
import { TsplayError } from '../errors.js'
import { BecomeStdio, type wrapBecome } from './become.js'
import type { ExecOptions, ExecResult } from './connection.js'
import { raw, sh } from './quote.js'

/** ssh2's channel.signal() is a silent no-op once stdin is ended, so send the request directly. */
function sendSignal(ch: ClientChannel, name: string): void {
  const c = ch as unknown as { outgoing?: { id: number; state: string }; _client?: { _protocol?: { signal(id: number, s: string): void } } }
  try {
    if ((c.outgoing?.state === 'open' || c.outgoing?.state === 'eof') && c._client?._protocol) c._client._protocol.signal(c.outgoing.id, name)
    else ch.signal(name)
  } catch {
    // The channel is already closing: nothing left to signal.
  }
}

/** env and cwd as shell text: sshd's AcceptEnv usually drops env, and a channel has no cwd. */
export function shellPrefix(opts: ExecOptions): string {
  let s = ''
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new TsplayError(`bad environment variable name: ${JSON.stringify(k)}`)
    s += sh`export ${raw(k)}=${v}; `
  }
  if (opts.cwd !== undefined) s += sh`cd -- ${opts.cwd} && `
  return s
}

/** Drive one exec channel to its end: stdin, become prompt, streaming, timeout/abort, exit status. */
export function runChannel(
  ch: ClientChannel,
  opts: ExecOptions,
  wrap: ReturnType<typeof wrapBecome> | undefined,
  password: string | undefined,
  done: (r: ExecResult) => void,
  killHard: () => void,
): void {
  const out = new StringDecoder('utf8')
  const errd = new StringDecoder('utf8')
  let stdout = ''
  let stderr = ''
  let rc: number | null = null
  let signal: string | undefined
  let timedOut = false
  let killed = false
  let becomeFailure: string | undefined
  const emit = (stream: 'stdout' | 'stderr', text: string): void => {
    if (!text) return
    if (stream === 'stdout') stdout += text
    else stderr += text
    opts.onOutput?.(stream, text)
  }
  let forceTimer: NodeJS.Timeout | undefined
  const kill = (): void => {
    if (killed) return
    killed = true
    // sshd killpg()s the command's process group. TERM first so sudo relays it to a become'd
    // command (the login user may not signal root's processes), then KILL, then stop waiting.
    sendSignal(ch, 'TERM')
    forceTimer = setTimeout(() => {
      sendSignal(ch, 'KILL')
      killHard()
      forceTimer = setTimeout(() => finish(), 1500)
    }, 500)
  }
  const bs = wrap
    ? new BecomeStdio(wrap, password, opts.stdin, {
        write: (d) => ch.write(d),
        end: () => ch.end(),
        fail: (msg) => {
          // EOF on stdin makes sudo give up at its next prompt; kill only if it somehow lingers.
          becomeFailure = msg
          ch.end()
          setTimeout(kill, 2000).unref()
        },
      })
    : undefined
  ch.on('data', (d: Buffer) => emit('stdout', bs ? bs.stdout(out.write(d)) : out.write(d)))
  ch.stderr.on('data', (d: Buffer) => emit('stderr', bs ? bs.stderr(errd.write(d)) : errd.write(d)))
  ch.on('exit', (code: number | null, sig?: string) => {
    rc = code
    if (sig) signal = sig.replace(/^SIG/, '')
  })
  const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), kill()), opts.timeoutMs) : undefined
  const onAbort = (): void => kill()
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  if (opts.signal?.aborted) kill()
  let finished = false
  const finish = (): void => {
    if (finished) return
    finished = true
    clearTimeout(timer)
    clearTimeout(forceTimer)
    opts.signal?.removeEventListener('abort', onAbort)
    emit('stdout', out.end())
    emit('stderr', errd.end())
    if (bs) {
      const rest = bs.flush()
      emit('stdout', rest.stdout)
      emit('stderr', rest.stderr)
    }
    if (becomeFailure) emit('stderr', (stderr && !stderr.endsWith('\n') ? '\n' : '') + becomeFailure + '\n')
    if (killed && !becomeFailure) {
      // We killed it: the shell's own view (137, "Killed") is not the command's exit status.
      signal ??= 'KILL'
      rc = null
    }
    if (becomeFailure && rc === null && signal === undefined) rc = 1
    if (!ch.destroyed) ch.close()
    done({ rc: signal && rc === null ? null : rc, signal, timedOut: timedOut || undefined, stdout, stderr })
  }
  ch.on('close', finish)
  if (!bs) {
    if (opts.stdin !== undefined) ch.write(opts.stdin)
    ch.end()
  }
}
