// Reads rsync's itemized lines (`--out-format='%i %n'`) and `--stats` numbers into synchronize's
// result: what changed, what was deleted, how much was transferred.
import { ITEM_PREFIX } from './rsync-command.js'

export interface RsyncReport {
  /** `%i %n` of every item that differs: `>f+++++++++ new.txt`, `*deleting   old.txt`. */
  changed: string[]
  /** Paths deleted on the destination (with delete). */
  deleted: string[]
  files_transferred?: number
  /** Bytes of file data that had to be sent (rsync's "Total transferred file size"). */
  bytes_transferred?: number
  bytes_sent?: number
  bytes_received?: number
}

const STATS: Array<[keyof RsyncReport, RegExp]> = [
  ['files_transferred', /^Number of regular files transferred: ([\d,.]+)/],
  ['bytes_transferred', /^Total transferred file size: ([\d,.]+)/],
  ['bytes_sent', /^Total bytes sent: ([\d,.]+)/],
  ['bytes_received', /^Total bytes received: ([\d,.]+)/],
]

export function parseRsync(stdout: string): RsyncReport {
  const report: RsyncReport = { changed: [], deleted: [] }
  // --info=progress2 redraws its line with \r; each piece is a line of its own. rsync does not
  // end a progress line before the receiver's `*deleting` items, so an item may follow one on
  // the same piece: it starts at the prefix wherever that stands.
  for (const piece of stdout.split(/[\r\n]/)) {
    const at = piece.indexOf(ITEM_PREFIX)
    const line = at > 0 && parseProgress2(piece.slice(0, at)) !== undefined ? piece.slice(at) : piece
    if (line.startsWith(ITEM_PREFIX)) {
      const item = line.slice(ITEM_PREFIX.length)
      const del = /^\*deleting\s+(.*)$/.exec(item)
      if (del) {
        report.deleted.push(del[1]!)
        report.changed.push(item)
      } else if (isChange(item)) report.changed.push(item)
      continue
    }
    for (const [key, re] of STATS) {
      const m = re.exec(line)
      if (m) (report as unknown as Record<string, number>)[key] = Number(m[1]!.replace(/[,.]/g, ''))
    }
  }
  return report
}

/** `.f          name` / `.d..........` (only with -ii) mean nothing differs; anything else does. */
function isChange(item: string): boolean {
  const flags = item.slice(0, 11)
  return !(flags.startsWith('.') && /^[. ]*$/.test(flags.slice(2)))
}

/** One --info=progress2 line: `  1,200,000   2%   44.53MB/s    0:00:00 (xfr#6, to-chk=294/301)`.
 * Files are those checked so far; their total is known once rsync has the whole list (to-chk,
 * not ir-chk, which still grows). */
export function parseProgress2(line: string): { bytes: number; files?: number; totalFiles?: number } | undefined {
  const m = /^\s*([\d,]+)\s+\d+%\s+\S+\s+\d+:\d\d:\d\d(?:\s+\(xfr#\d+, (ir|to)-chk=(\d+)\/(\d+)\))?/.exec(line)
  if (!m) return undefined
  const bytes = Number(m[1]!.replace(/,/g, ''))
  if (!m[2]) return { bytes }
  const left = Number(m[3])
  const total = Number(m[4])
  return m[2] === 'to' ? { bytes, files: total - left, totalFiles: total } : { bytes, files: total - left }
}

/** Feeds rsync's stdout (cut anywhere) to `on`, one progress2 line at a time. */
export function progress2Reader(on: (p: { bytes: number; files?: number; totalFiles?: number }) => void): (chunk: string) => void {
  let rest = ''
  return (chunk) => {
    const parts = (rest + chunk).split(/[\r\n]/)
    rest = parts.pop()!
    for (const line of parts) {
      const p = parseProgress2(line)
      if (p) on(p)
    }
  }
}
