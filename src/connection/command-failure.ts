// The one shape of a failed command (execa's): what happened, the command, then stderr. Used by
// the runner for changes and by gather() reads (src/modules/read.ts), so both read the same.
import type { ExecResult } from './connection.js'

/** execa's one shape of a command failure: what happened, the command, then stderr. */
export function commandFailure(c: { cmd: string; okCodes?: number[]; timeoutMs?: number }, r: ExecResult): string | undefined {
  let head: string
  if (r.timedOut) head = `Command timed out after ${formatSeconds(c.timeoutMs ?? 0)}s: ${c.cmd}`
  else if (r.rc === null || r.signal) head = `Command was killed with ${signalName(r.signal)}: ${c.cmd}`
  else if (!(c.okCodes ?? [0]).includes(r.rc)) head = `Command failed with exit code ${r.rc}: ${c.cmd}`
  else return undefined
  const err = r.stderr.trim()
  return err ? `${head}\n${err}` : head
}

function signalName(s: string | undefined): string {
  if (!s) return 'an unknown signal'
  return s.startsWith('SIG') ? s : `SIG${s}`
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10)
}
