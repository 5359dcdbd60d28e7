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
  for (const line of stdout.split('\n')) {
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
