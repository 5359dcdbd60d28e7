// HTML escaping for everything the report prints: task names, messages, diffs and data are text.

export function esc(v: unknown): string {
  return String(v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** '41.5 s', '3 min 12 s', '1 h 04 min' for a duration in ms. */
export function duration(ms: number): string {
  const s = ms / 1000
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(Math.round(s % 60)).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}

/** The UTC time of day, '10:02:41', as the report shows times (a run log can be read anywhere). */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19)
}
