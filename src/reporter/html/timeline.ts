// The run on a time axis, drawn as inline SVG: a row per host, a bar per task, play bands behind,
// windows (the cutover's outage, a rollback) across all rows.
import type { Bar, RunModel } from './model.js'
import { clock, duration, esc } from './escape.js'

export interface Window {
  label: string
  start: number
  end: number
  kind: 'outage' | 'rollback'
}

const LEFT = 130
const WIDTH = 900
const ROW = 24
const TOP = 38

export function timeline(m: RunModel, windows: Window[]): string {
  const t0 = m.start
  const span = Math.max(1, m.end - t0)
  const x = (t: number) => LEFT + ((Math.min(Math.max(t, t0), m.end) - t0) / span) * WIDTH
  // Room under the axis for the windows' labels.
  const height = TOP + m.hosts.length * ROW + (windows.length ? 44 : 26)
  const parts: string[] = []
  m.plays.forEach((p, i) => {
    const x0 = x(p.start)
    const w = Math.max(1, x(p.end) - x0)
    parts.push(`<rect class="play${i % 2}" x="${x0.toFixed(1)}" y="14" width="${w.toFixed(1)}" height="${TOP + m.hosts.length * ROW - 14}"><title>${esc(`play ${i + 1}: ${p.name} (${duration(p.end - p.start)})`)}</title></rect>`)
    // A play's name only where it fits; its number always.
    const label = w > 60 ? `${i + 1}. ${p.name}` : `${i + 1}`
    parts.push(`<text class="playname" x="${(x0 + 3).toFixed(1)}" y="26">${esc(fit(label, w))}</text>`)
  })
  for (const [i, h] of m.hosts.entries()) {
    const y = TOP + i * ROW
    parts.push(`<text class="host" x="${LEFT - 8}" y="${y + 15}" text-anchor="end">${esc(fit(h, LEFT - 10))}</text>`)
    parts.push(`<line class="row" x1="${LEFT}" x2="${LEFT + WIDTH}" y1="${y + ROW - 1}" y2="${y + ROW - 1}"/>`)
  }
  const row = new Map(m.hosts.map((h, i) => [h, i]))
  for (const b of m.bars) parts.push(bar(b, x, TOP + (row.get(b.host) ?? 0) * ROW))
  for (const w of windows) {
    const x0 = x(w.start)
    const wd = Math.max(2, x(w.end) - x0)
    parts.push(`<rect class="win ${w.kind}" x="${x0.toFixed(1)}" y="${TOP - 4}" width="${wd.toFixed(1)}" height="${m.hosts.length * ROW + 8}"><title>${esc(`${w.label}: ${duration(w.end - w.start)}, ${clock(w.start)}–${clock(w.end)} UTC`)}</title></rect>`)
    parts.push(`<text class="winlabel ${w.kind}" x="${(x0 + wd / 2).toFixed(1)}" y="${TOP + m.hosts.length * ROW + 32}" text-anchor="middle">${esc(`${w.label} ${duration(w.end - w.start)}`)}</text>`)
  }
  parts.push(axis(t0, span, x, TOP + m.hosts.length * ROW))
  return `<svg class="timeline" viewBox="0 0 ${LEFT + WIDTH + 20} ${height}" width="${LEFT + WIDTH + 20}" height="${height}" role="img" aria-label="timeline of the run">${parts.join('')}</svg>`
}

function bar(b: Bar, x: (t: number) => number, y: number): string {
  const x0 = x(b.start)
  const w = Math.max(1.5, x(b.end) - x0)
  const cls = [b.status, b.ignored ? 'ignored' : '', b.handler ? 'handler' : '', b.section ?? ''].filter(Boolean).join(' ')
  const kind = b.handler ? 'handler ' : b.section ? `${b.section} ` : ''
  const title = `${b.task} — ${b.host}${b.delegatedTo ? ` → ${b.delegatedTo}` : ''}: ${kind}${b.status}${b.ignored ? ' (ignored)' : ''}, ${duration(b.end - b.start)}${b.msg ? `\n${b.msg.slice(0, 300)}` : ''}`
  let out = `<rect class="bar ${cls}" x="${x0.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW - 9}"><title>${esc(title)}</title></rect>`
  // A failure must be seen even when its bar is a sliver: a mark above it.
  if (b.status === 'failed' || b.status === 'unreachable') out += `<path class="failmark${b.ignored ? ' ignored' : ''}" d="M${(x0 + w / 2).toFixed(1)} ${y + 4} l-4 -5 h8 z"/>`
  return out
}

/** Ticks at a round step (1 s … 1 h) that gives about eight of them. */
function axis(t0: number, span: number, x: (t: number) => number, y: number): string {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000)
  const step = steps.find((s) => span / s <= 8) ?? 3600_000 * Math.ceil(span / 8 / 3600_000)
  const out: string[] = [`<line class="axis" x1="${LEFT}" x2="${LEFT + WIDTH}" y1="${y}" y2="${y}"/>`]
  for (let t = 0; t <= span; t += step) {
    const xt = x(t0 + t).toFixed(1)
    out.push(`<line class="tick" x1="${xt}" x2="${xt}" y1="${y}" y2="${y + 4}"/><text class="ticklabel" x="${xt}" y="${y + 14}" text-anchor="middle">${esc(tick(t))}</text>`)
  }
  return out.join('')
}

function tick(ms: number): string {
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/** Cut a label to about the pixels it may take (7 px a character at the report's font size). */
function fit(s: string, px: number): string {
  const n = Math.max(1, Math.floor(px / 7))
  return s.length <= n ? s : `${s.slice(0, Math.max(1, n - 1))}…`
}
