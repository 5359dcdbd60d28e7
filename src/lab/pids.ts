// Killing only what the lab started: a PID is signalled only after /proc/PID/cmdline shows it
// is still the process we recorded (PIDs get reused; lab processes look like the machine's own).
import { readFileSync } from 'node:fs'
import { sleep } from './host.js'

export function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
  } catch {
    return undefined
  }
}

/** Alive and not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

/** True when pid is alive and its command line contains every marker. */
export function isOurs(pid: number | undefined, markers: readonly string[]): pid is number {
  if (pid === undefined || !isAlive(pid)) return false
  const cl = cmdline(pid)
  return cl !== undefined && markers.every((m) => cl.includes(m))
}

/** SIGKILL pid if it is ours, then wait (up to timeoutMs) until it is gone. */
export async function killIfOurs(pid: number | undefined, markers: readonly string[], timeoutMs = 5000): Promise<boolean> {
  if (!isOurs(pid, markers)) return false
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    return false
  }
  return waitGone(pid, timeoutMs)
}

export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false
    await sleep(10)
  }
  return true
}
