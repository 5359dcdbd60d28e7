// Running the machine's own tools (ip, nsenter, ssh-keygen) as argv, never through a shell.
import { spawn } from 'node:child_process'
import { TsplayError } from '../errors.js'
import { argv as joinArgv } from '../connection/quote.js'
import type { ExecResult } from './types.js'

/** A clean environment: the machine's PATH tweaks (pyenv...) must not reach the lab hosts. */
export const CLEAN_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  TERM: 'dumb',
}

export interface RunOptions {
  stdin?: string | Buffer
  timeoutMs?: number
  env?: Record<string, string>
}

/** Run argv; a non-zero exit is a value, not a throw. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv
    if (cmd === undefined) throw new Error('run: empty argv')
    const child = spawn(cmd, args, { env: opts.env ?? CLEAN_ENV, stdio: ['pipe', 'pipe', 'pipe'] })
    const out: Buffer[] = []
    const err: Buffer[] = []
    let timer: NodeJS.Timeout | undefined
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs)
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e) => {
      if (timer) clearTimeout(timer)
      reject(new TsplayError(`Cannot run ${cmd}: ${e.message}`, { cause: e, hint: 'Is the package that provides it installed? See scripts/install-deps.sh.' }))
    })
    child.on('close', (code) => {
      if (timer) clearTimeout(timer)
      resolve({ rc: code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() })
    })
    child.stdin.on('error', () => {}) // the command may exit before reading stdin
    child.stdin.end(opts.stdin ?? '')
  })
}

/** Run argv and throw a TsplayError ("Command failed with exit code N: ...") unless it exits 0. */
export async function runOk(argv: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  const r = await run(argv, opts)
  if (r.rc !== 0) throw commandFailed(joinArgv(argv), r)
  return r
}

export function commandFailed(what: string, r: ExecResult, hint?: string): TsplayError {
  const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-15).join('\n')
  return new TsplayError(`Command failed with exit code ${r.rc ?? 'signal'}: ${what}${detail ? `\n${detail}` : ''}`, { hint })
}
