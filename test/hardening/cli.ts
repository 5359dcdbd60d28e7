// Running the built CLI as a user does (CI=true, NO_COLOR=1), from the build this test belongs to.
import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
/** src/cli.js of the same build (dist, dist-hard...) as this compiled test. */
export const CLI = join(here, '..', '..', 'src', 'cli.js')
/** The source tree (fixtures are read from there, not copied into the build). */
export const ROOT = join(here, '..', '..', '..')

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

export function tsplay(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: opts.cwd ?? ROOT, env: { ...process.env, CI: 'true', NO_COLOR: '1', ...opts.env }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: unknown }).code as number | null) ?? null : 0, stdout, stderr }),
    )
  })
}

/** Output a user must never see from an expected error: a JS stack or our compiled file names. */
export function stackTraceIn(text: string): string | undefined {
  return /^\s+at .*$/m.exec(text)?.[0] ?? /\S+\.js:\d+/.exec(text)?.[0]
}
