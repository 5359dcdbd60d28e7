// file's modification_time/access_time as Ansible reads them: 'now', 'preserve', or a local time
// written in *_time_format (a strptime subset, default %Y%m%d%H%M.%S). Parsing is pure; turning
// the local time into seconds is the target's job (its time zone), done by gather with `date -d`.
import { ArgError } from '../../errors.js'

/** A wanted time: 'now', 'preserve' (keep), or a local wall-clock time 'YYYY-MM-DD HH:MM:SS'. */
export type TimeWish = { kind: 'now' } | { kind: 'preserve' } | { kind: 'at'; local: string }

export const DEFAULT_TIME_FORMAT = '%Y%m%d%H%M.%S'

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** Ansible's default when the argument is left out: touch sets 'now', every other state keeps. */
export function timeWish(value: string | null | undefined, format: string, state: string, arg: string): TimeWish {
  if (value === null || value === undefined) return state === 'touch' ? { kind: 'now' } : { kind: 'preserve' }
  if (value === 'now') return { kind: 'now' }
  if (value === 'preserve') return { kind: 'preserve' }
  const local = strptime(value, format)
  if (local === undefined) {
    throw new ArgError(arg, `Error while obtaining timestamp for time ${value} using format ${format}: time data '${value}' does not match format '${format}'`)
  }
  return { kind: 'at', local }
}

/** Parse `text` with a strptime format (%Y %y %m %d %H %I %p %M %S %b %B %j-free subset, %%). */
export function strptime(text: string, format: string): string | undefined {
  const f = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0, pm: undefined as boolean | undefined }
  let i = 0
  for (let k = 0; k < format.length; k++) {
    const c = format[k]!
    if (c !== '%') {
      if (/\s/.test(c)) {
        while (i < text.length && /\s/.test(text[i]!)) i++
        continue
      }
      if (text[i] !== c) return undefined
      i++
      continue
    }
    const d = format[++k]
    const num = (max: number): number | undefined => {
      const m = /^\d+/.exec(text.slice(i, i + max))
      if (!m) return undefined
      i += m[0].length
      return Number(m[0])
    }
    let v: number | undefined
    switch (d) {
      case 'Y': v = num(4); if (v !== undefined) f.Y = v; break
      case 'y': v = num(2); if (v !== undefined) f.Y = v < 69 ? 2000 + v : 1900 + v; break
      case 'm': v = num(2); if (v !== undefined) f.m = v; break
      case 'd': v = num(2); if (v !== undefined) f.d = v; break
      case 'H': v = num(2); if (v !== undefined) f.H = v; break
      case 'I': v = num(2); if (v !== undefined) f.H = v % 12; break
      case 'M': v = num(2); if (v !== undefined) f.M = v; break
      case 'S': v = num(2); if (v !== undefined) f.S = v; break
      case 'p': {
        const ap = text.slice(i, i + 2).toLowerCase()
        if (ap !== 'am' && ap !== 'pm') return undefined
        f.pm = ap === 'pm'
        i += 2
        v = 0
        break
      }
      case 'b':
      case 'B': {
        const rest = text.slice(i).toLowerCase()
        const idx = MONTHS.findIndex((m) => rest.startsWith(m))
        if (idx < 0) return undefined
        f.m = idx + 1
        const full = new Intl.DateTimeFormat('en', { month: 'long' }).format(new Date(2000, idx, 1)).toLowerCase()
        i += d === 'B' && rest.startsWith(full) ? full.length : 3
        v = 0
        break
      }
      case '%': if (text[i] !== '%') return undefined; i++; v = 0; break
      default: return undefined
    }
    if (v === undefined) return undefined
  }
  if (i !== text.length) return undefined
  if (f.pm) f.H += 12
  const ok = f.m >= 1 && f.m <= 12 && f.d >= 1 && f.d <= 31 && f.H <= 23 && f.M <= 59 && f.S <= 61
  if (!ok) return undefined
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${p(f.Y, 4)}-${p(f.m)}-${p(f.d)} ${p(f.H)}:${p(f.M)}:${p(f.S)}`
}

/** The times a path has and the seconds each wanted local time means on the target. */
export interface TimesState {
  mtime: number
  atime: number
  /** The target's clock when read, for the diff of 'now'. */
  now: number
  /** Local 'YYYY-MM-DD HH:MM:SS' → epoch seconds on the target. */
  at: Record<string, number>
}

/** What to set: seconds, 'now', or nothing; plus the before/after diff entries. */
export interface TimesPlan {
  /** touch argv prefixes (the path is added after `--`), one per call. */
  touch?: string[][]
  before: Record<string, number>
  after: Record<string, number>
}

/** Ansible's update_timestamp_for_file: both 'now' always changes; a time equal to the current one does not. */
export function planTimes(m: TimeWish, a: TimeWish, st: TimesState | undefined): TimesPlan {
  const out: TimesPlan = { before: {}, after: {} }
  if (m.kind === 'preserve' && a.kind === 'preserve') return out
  if (!st) {
    // The path does not exist yet (touch creates it): set what is asked, nothing to compare.
    out.touch = touchArgs(m, a, undefined)
    return out
  }
  const want = (w: TimeWish, cur: number) => (w.kind === 'now' ? st.now : w.kind === 'preserve' ? cur : (st.at[w.local] ?? cur))
  const wm = want(m, st.mtime)
  const wa = want(a, st.atime)
  const both = m.kind === 'now' && a.kind === 'now'
  if (!both && wm === st.mtime && wa === st.atime) return out
  if (wm !== st.mtime || both) [out.before.mtime, out.after.mtime] = [st.mtime, wm]
  if (wa !== st.atime || both) [out.before.atime, out.after.atime] = [st.atime, wa]
  out.touch = touchArgs(m, a, st)
  return out
}

/** touch arguments (before `-- PATH`): one call per time that is not kept. */
function touchArgs(m: TimeWish, a: TimeWish, st: TimesState | undefined): string[][] {
  const stamp = (w: TimeWish) => (w.kind === 'at' ? (st?.at[w.local] !== undefined ? ['-d', `@${st.at[w.local]}`] : ['-d', w.local]) : [])
  const same = m.kind === a.kind && (m.kind !== 'at' || (a.kind === 'at' && a.local === m.local))
  if (same) return [['touch', ...stamp(m)]]
  const out: string[][] = []
  if (m.kind !== 'preserve') out.push(['touch', '-m', ...stamp(m)])
  if (a.kind !== 'preserve') out.push(['touch', '-a', ...stamp(a)])
  return out
}
