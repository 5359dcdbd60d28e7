// Median and spread of a few rounds: the machine is shared and noisy, so the median of each tool
// and the ratio of medians measured side by side are the result, not any single number.
export interface Stat {
  median: number
  min: number
  max: number
  n: number
  values: number[]
}

export function stat(values: readonly number[]): Stat {
  const v = [...values].sort((a, b) => a - b)
  const n = v.length
  const median = n === 0 ? NaN : n % 2 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2
  return { median, min: v[0] ?? NaN, max: v[n - 1] ?? NaN, n, values: [...values] }
}

/** "1.23 s (1.20–1.31)" or "5.7 ms (5.1–6.0)". */
export function fmtMs(s: Stat): string {
  const f = (x: number): string => (s.median >= 1000 ? (x / 1000).toFixed(2) : x.toFixed(x < 10 ? 2 : 0))
  const unit = s.median >= 1000 ? 's' : 'ms'
  return s.n > 1 ? `${f(s.median)} ${unit} (${f(s.min)}–${f(s.max)})` : `${f(s.median)} ${unit}`
}

export function fmtMb(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`
}

export function ratio(a: number, b: number): string {
  return `${(a / b).toFixed(a / b >= 10 ? 0 : 2)}×`
}
