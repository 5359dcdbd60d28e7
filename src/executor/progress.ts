// Progress of a long step (rsync, a Maildir digest, tar, a fill): modules report raw counts through
// ctx.onProgress, and this one place adds rate and ETA and keeps the event stream readable.

/** What a module knows while it works; every field is optional, counts are so far. */
export interface ProgressUpdate {
  /** What is being worked on now (a mailbox, a filesystem); a new label restarts the rate. */
  label?: string
  files?: number
  bytes?: number
  totalFiles?: number
  totalBytes?: number
}

/** A `progress` event's fields (docs/events.md). */
export interface Progress extends ProgressUpdate {
  /** Since the step (or its label) started. */
  elapsedMs: number
  bytesPerSecond?: number
  filesPerSecond?: number
  /** Seconds left, when a total is known and something moved. */
  etaSeconds?: number
}

export type OnProgress = (p: ProgressUpdate) => void

/** Events are never sent more often than this per task and host; the last count is always sent. */
export const PROGRESS_INTERVAL_MS = 1000

export interface ProgressMeter {
  update: OnProgress
  /** The step ended: send the last count if it was held back. */
  end(): void
}

export function progressMeter(send: (p: Progress) => void, now: () => number = Date.now, intervalMs = PROGRESS_INTERVAL_MS): ProgressMeter {
  let started = now()
  let label: string | undefined
  let lastSent = -Infinity
  let pending: Progress | undefined
  const flush = () => {
    if (!pending) return
    send(pending)
    pending = undefined
    lastSent = now()
  }
  return {
    update(u) {
      const t = now()
      if (u.label !== label) {
        // A new mailbox or filesystem: the rate of the previous one says nothing about this one.
        if (label !== undefined) flush()
        label = u.label
        started = t
      }
      pending = measure(u, t - started)
      if (t - lastSent >= intervalMs) flush()
    },
    end: flush,
  }
}

function measure(u: ProgressUpdate, elapsedMs: number): Progress {
  const p: Progress = { ...dropUndefined(u), elapsedMs }
  const secs = elapsedMs / 1000
  if (secs >= 0.5) {
    if (u.bytes !== undefined) p.bytesPerSecond = Math.round(u.bytes / secs)
    if (u.files !== undefined) p.filesPerSecond = Math.round((u.files / secs) * 10) / 10
  }
  // Bytes are the better measure of work left; files when that is all there is.
  if (p.bytesPerSecond && u.totalBytes !== undefined && u.bytes !== undefined) p.etaSeconds = Math.max(0, Math.round((u.totalBytes - u.bytes) / p.bytesPerSecond))
  else if (p.filesPerSecond && u.totalFiles !== undefined && u.files !== undefined) p.etaSeconds = Math.max(0, Math.round((u.totalFiles - u.files) / p.filesPerSecond))
  return p
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}

/** Commands report progress with stderr lines holding `tsplay-progress` and `key=number` words
 * (files, bytes, total_files, total_bytes; label=word), e.g. from tar's --checkpoint-action or a
 * shell loop. The lines are taken out of the command's stderr. */
export const PROGRESS_MARK = 'tsplay-progress'

const KEYS: Record<string, keyof ProgressUpdate> = { files: 'files', bytes: 'bytes', total_files: 'totalFiles', total_bytes: 'totalBytes', label: 'label' }

export function parseProgressLine(line: string): ProgressUpdate | undefined {
  const at = line.indexOf(PROGRESS_MARK)
  if (at < 0) return undefined
  const u: Record<string, string | number> = {}
  for (const m of line.slice(at + PROGRESS_MARK.length).matchAll(/(\w+)=(\S+)/g)) {
    const key = KEYS[m[1]!]
    if (!key) continue
    if (key === 'label') u.label = m[2]!
    else if (/^\d+$/.test(m[2]!)) u[key] = Number(m[2]!)
  }
  return u as ProgressUpdate
}

/** Feeds stderr chunks (cut anywhere) to `on` one progress line at a time. */
export function progressLines(on: OnProgress): (chunk: string) => void {
  let rest = ''
  return (chunk) => {
    const text = rest + chunk
    const cut = text.lastIndexOf('\n')
    rest = cut < 0 ? text : text.slice(cut + 1)
    if (cut < 0) return
    for (const line of text.slice(0, cut).split('\n')) {
      const u = parseProgressLine(line)
      if (u) on(u)
    }
  }
}

/** A command's stderr without its progress lines, so a registered stderr reads as before. */
export function withoutProgressLines(stderr: string): string {
  if (!stderr.includes(PROGRESS_MARK)) return stderr
  return stderr.split('\n').filter((l) => !l.includes(PROGRESS_MARK)).join('\n')
}
