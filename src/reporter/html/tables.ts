// The report's tables: the recap, each changed task's diff, failures, the task list per play, and
// any report section without a drawing of its own.
import { formatDiff } from '../diff.js'
import { palette } from '../paint.js'
import type { Bar, ReportEntry, RunModel } from './model.js'
import { duration, esc } from './escape.js'

const plainPalette = palette(false)

export function recapTable(m: RunModel): string {
  if (!m.recap) return '<p class="muted">The run ended before its recap.</p>'
  const keys = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'] as const
  const rows = Object.keys(m.recap).sort().map((h) => {
    const s = m.recap![h]!
    const worst = s.failed || s.unreachable ? 'failed' : s.changed ? 'changed' : 'ok'
    return `<tr><th class="${worst}">${esc(h)}</th>${keys.map((k) => `<td class="${s[k] ? k : 'zero'}">${s[k]}</td>`).join('')}</tr>`
  })
  return `<table class="recap"><thead><tr><th>host</th>${keys.map((k) => `<th>${k}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`
}

/** Each changed task's diffs, as --diff prints them (escaped; secrets were masked before). */
export function diffs(m: RunModel): string {
  const withDiff = m.bars.filter((b) => b.diffs.length > 0 && b.status !== 'skipped')
  if (withDiff.length === 0) return '<p class="muted">No task reported a diff.</p>'
  return withDiff.map((b) => {
    const body = b.diffs.map((d) => diffBlock(formatDiff(d, plainPalette))).join('')
    return `<details class="diff"${withDiff.length <= 8 ? ' open' : ''}><summary><span class="badge ${b.status}">${b.status}</span> ${esc(b.task)} <span class="muted">on ${esc(b.host)}${b.diffs.some((d) => d.label) ? ` (items: ${esc([...new Set(b.diffs.map((d) => d.label).filter(Boolean))].join(', '))})` : ''}</span></summary>${body}</details>`
  }).join('')
}

function diffBlock(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n').map((l) => {
    const cls = l.startsWith('+++') || l.startsWith('---') ? 'hd' : l.startsWith('@@') ? 'hunk' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : ''
    return cls ? `<span class="${cls}">${esc(l)}</span>` : esc(l)
  })
  return `<pre class="diff">${lines.join('\n')}</pre>`
}

export function failures(m: RunModel): string {
  const failed = m.bars.filter((b) => b.status === 'failed' || b.status === 'unreachable')
  if (failed.length === 0) return '<p class="muted">No task failed.</p>'
  return `<table class="list"><thead><tr><th>task</th><th>host</th><th>result</th><th>message</th></tr></thead><tbody>${failed.map((b) =>
    `<tr><td>${esc(b.task)}${b.section ? ` <span class="badge ${b.section}">${b.section}</span>` : ''}</td><td>${esc(b.host)}</td><td><span class="badge ${b.status}">${b.status}${b.ignored ? ' (ignored)' : ''}</span></td><td><pre class="msg">${esc(b.msg ?? '')}</pre></td></tr>`).join('')}</tbody></table>`
}

/** Every task of each play with each host's status and time: the timeline's bars as text. */
export function taskList(m: RunModel): string {
  return m.plays.map((p, i) => {
    const bars = m.bars.filter((b) => b.play === i)
    const hosts = m.hosts.filter((h) => bars.some((b) => b.host === h))
    const tasks: Array<{ name: string; byHost: Map<string, Bar> }> = []
    for (const b of bars) {
      let t = tasks[tasks.length - 1]
      // A task name again after other tasks is another task (a role used twice, a handler).
      if (!t || t.name !== b.task || t.byHost.has(b.host)) tasks.push((t = { name: b.task, byHost: new Map() }))
      t.byHost.set(b.host, b)
    }
    const head = `<tr><th>task</th>${hosts.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`
    const rows = tasks.map((t) => {
      const any = [...t.byHost.values()][0]!
      const tag = any.handler ? ' <span class="badge handler">handler</span>' : any.section ? ` <span class="badge ${any.section}">${any.section}</span>` : ''
      return `<tr><td>${esc(t.name)}${tag}</td>${hosts.map((h) => cell(t.byHost.get(h))).join('')}</tr>`
    })
    return `<details class="play"${bars.length <= 40 ? ' open' : ''}><summary>${i + 1}. ${esc(p.name)} <span class="muted">(${duration(p.end - p.start)}, ${bars.length} results)</span></summary><table class="list tasks"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></details>`
  }).join('')
}

function cell(b: Bar | undefined): string {
  if (!b) return '<td></td>'
  const p = b.progress ? ` title="${esc(`last progress: ${b.progress.files ?? '?'} files, ${b.progress.bytes ?? '?'} bytes`)}"` : ''
  return `<td${p}><span class="badge ${b.status}${b.ignored ? ' ignored' : ''}">${b.status}</span> <span class="muted">${duration(b.end - b.start)}</span></td>`
}

/** Report data no drawing knows: each entry as a table of its values. */
export function genericSection(name: string, entries: ReportEntry[]): string {
  return `<h3>${esc(name)}</h3>${entries.map((e) => `<p class="muted">${esc(e.task)} on ${esc(e.host)}</p>${valueTable(e.data)}`).join('')}`
}

export function valueTable(data: Record<string, unknown>): string {
  const rows = Object.entries(data).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${value(v)}</td></tr>`)
  return `<table class="kv">${rows.join('')}</table>`
}

export function value(v: unknown): string {
  if (v === null || v === undefined) return '<span class="muted">—</span>'
  // A short list of plain values reads best as one line.
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return esc(v.join(', '))
  if (typeof v === 'object') return `<pre class="msg">${esc(JSON.stringify(v, null, 2))}</pre>`
  return esc(v)
}
