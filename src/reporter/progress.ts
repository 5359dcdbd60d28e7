// A progress event as one line for people: `alice: 12,345 files, 1.2 GiB, 45 MiB/s, about 2m10s left`.
import type { EventOf } from '../events.js'

type ProgressEvent = EventOf<'progress'>

/** Plain output prints a step's progress no more often than this, and only once it has run
 * this long: short steps print nothing extra, long ones a line a person can read. */
export const PLAIN_PROGRESS_EVERY_MS = 5000

export function formatProgress(e: ProgressEvent): string {
  const parts: string[] = []
  if (e.files !== undefined) parts.push(`${count(e.files)}${e.totalFiles !== undefined ? `/${count(e.totalFiles)}` : ''} files`)
  if (e.bytes !== undefined) parts.push(`${formatBytes(e.bytes)}${e.totalBytes !== undefined ? ` of ${formatBytes(e.totalBytes)}` : ''}`)
  if (e.bytesPerSecond !== undefined) parts.push(`${formatBytes(e.bytesPerSecond)}/s`)
  else if (e.filesPerSecond !== undefined) parts.push(`${count(Math.round(e.filesPerSecond))} files/s`)
  if (e.etaSeconds !== undefined) parts.push(`about ${formatSeconds(e.etaSeconds)} left`)
  else parts.push(`${formatSeconds(Math.round(e.elapsedMs / 1000))} so far`)
  return `${e.label ? `${e.label}: ` : ''}${parts.join(', ')}`
}

const count = (n: number): string => n.toLocaleString('en-US')

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

/** Decides which progress events plain output prints: per host and task, every few seconds. */
export class ProgressPacer {
  private readonly last = new Map<string, number>()

  constructor(private readonly everyMs = PLAIN_PROGRESS_EVERY_MS) {}

  shouldPrint(e: ProgressEvent): boolean {
    if (e.elapsedMs < this.everyMs) return false
    const key = `${e.host}\0${e.task}`
    const at = this.last.get(key)
    // elapsedMs restarts with a new label; a new label is worth a line once the pace allows.
    if (at !== undefined && e.elapsedMs - at < this.everyMs && e.elapsedMs >= at) return false
    this.last.set(key, e.elapsedMs)
    return true
  }

  /** The task ended on this host: its next run starts afresh. */
  forget(host: string, task: string): void {
    this.last.delete(`${host}\0${task}`)
  }
}
