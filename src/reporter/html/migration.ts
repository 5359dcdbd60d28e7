// The migration section (playbooks/migrate.yml): the cutover window and any rollback, message
// counts per mailbox old vs new, the queue, users and aliases, DNS, the forward's NAT counters.
// Drawn from `report` events in the migration.* sections (docs/report.md lists their fields).
import type { ReportEntry, RunModel } from './model.js'
import { clock, duration, esc } from './escape.js'
import type { Window } from './timeline.js'
import { value, valueTable } from './tables.js'

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined)
const last = (m: RunModel, s: string): ReportEntry | undefined => m.sections.get(s)?.at(-1)

export function hasMigration(m: RunModel): boolean {
  return [...m.sections.keys()].some((s) => s.startsWith('migration.'))
}

/** The cutover's outage window, and the rollback's when there was one, for the timeline. */
export function migrationWindows(m: RunModel): Window[] {
  const c = last(m, 'migration.cutover')?.data
  const start = num(c?.started_at)
  if (!c || start === undefined) return []
  const s = start * 1000
  const out: Window[] = []
  const outage = num(c.outage_seconds)
  if (outage !== undefined) out.push({ label: 'outage', start: s, end: s + outage * 1000, kind: 'outage' })
  const rollback = num(c.rollback_seconds)
  if (c.rolled_back === true && rollback !== undefined) out.push({ label: 'until rolled back', start: s, end: s + rollback * 1000, kind: 'rollback' })
  return out
}

export function migrationSection(m: RunModel): string {
  const parts: string[] = ['<h2 id="migration">Migration</h2>', summary(m)]
  const mb = last(m, 'migration.mailboxes')
  if (mb) parts.push('<h3>Mailboxes: messages on old and on new</h3>', mailboxes(mb))
  for (const [key, title] of [
    ['migration.queue', 'Mail queue moved'],
    ['migration.users', 'Users checked'],
    ['migration.aliases', 'Aliases checked'],
    ['migration.dns', 'DNS answers and TTLs'],
    ['migration.dns-after', "DNS after the update (the resolver's answers)"],
    ['migration.forward', "The forward's NAT counters (clients still reaching old)"],
  ] as const) {
    const e = last(m, key)
    if (e) parts.push(`<h3>${title}</h3>`, entry(e))
  }
  for (const [name, entries] of m.sections) {
    if (name.startsWith('migration.') && !KNOWN.has(name)) parts.push(`<h3>${esc(name)}</h3>`, ...entries.map(entry))
  }
  return `<section class="migration">${parts.join('')}</section>`
}

const KNOWN = new Set(['migration.cutover', 'migration.mailboxes', 'migration.queue', 'migration.users', 'migration.aliases', 'migration.dns', 'migration.dns-after', 'migration.forward'])

function summary(m: RunModel): string {
  const cards: string[] = []
  const c = last(m, 'migration.cutover')?.data
  const w = migrationWindows(m)
  const outage = w.find((x) => x.kind === 'outage')
  const rollback = w.find((x) => x.kind === 'rollback')
  if (outage) cards.push(card('Outage window', duration(outage.end - outage.start), `${clock(outage.start)}–${clock(outage.end)} UTC`, 'outage'))
  else if (c) cards.push(card('Outage window', '—', 'the cutover did not finish', 'failed'))
  else cards.push(card('Cutover', 'not run', 'this run had no cutover', 'muted'))
  if (c?.rolled_back === true) cards.push(card('Rolled back', rollback ? duration(rollback.end - rollback.start) : 'yes', 'old serves again', 'failed'))
  const mb = last(m, 'migration.mailboxes')?.data
  if (mb) {
    const missing = num(mb.missing_count) ?? 0
    const differ = num(mb.differ_count) ?? 0
    const ok = missing + differ === 0
    cards.push(card('Verify', ok ? 'nothing missing' : `${missing} missing, ${differ} differ`, `${Object.keys(asRecord(mb.comparison)).length} mailboxes compared`, ok ? 'ok' : 'failed'))
  }
  return `<div class="cards">${cards.join('')}</div>`
}

function card(title: string, big: string, small: string, cls: string): string {
  return `<div class="card ${cls}"><div class="cardtitle">${esc(title)}</div><div class="big">${esc(big)}</div><div class="muted">${esc(small)}</div></div>`
}

function mailboxes(e: ReportEntry): string {
  const comp = asRecord(e.data.comparison)
  const rows = Object.entries(comp).sort(([a], [b]) => a.localeCompare(b)).map(([name, raw]) => {
    const c = asRecord(raw)
    // The lists name the first 1,000 only; the counts are whole.
    const missing = num(c.missing_count) ?? (Array.isArray(c.missing) ? c.missing.length : (num(c.missing) ?? 0))
    const differ = num(c.changed_count) ?? (Array.isArray(c.changed) ? c.changed.length : (num(c.changed) ?? 0))
    const ok = missing + differ === 0
    return `<tr><th>${esc(name)}</th><td class="n">${esc(c.before ?? '')}</td><td class="n">${esc(c.after ?? '')}</td><td class="n">${missing}</td><td class="n">${differ}</td><td class="n">${esc(c.extra ?? 0)}</td><td><span class="badge ${ok ? 'ok' : 'failed'}">${ok ? 'all there' : 'MISSING'}</span></td></tr>`
  })
  const msg = typeof e.data.msg === 'string' ? `<p>${esc(e.data.msg)}</p>` : ''
  return `${msg}<table class="list mailboxes"><thead><tr><th>mailbox</th><th>old</th><th>new</th><th>missing</th><th>differ</th><th>new only</th><th>verify</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
}

/** A section's values: lists of records as tables, the rest as name/value rows. A loop's
 * registered results (`lookups`: dns_record per name) and NAT rules are cut to what a reader
 * needs; the full data stays in the run log. */
function entry(e: ReportEntry): string {
  const data = { ...e.data }
  if (Array.isArray(data.lookups)) data.lookups = data.lookups.map((r) => lookup(asRecord(r)))
  if (Array.isArray(data.rules)) data.rules = data.rules.map((r) => pick(asRecord(r), ['comment', 'protocol', 'dport', 'dports', 'to', 'pkts', 'bytes']))
  return entryTable({ ...e, data })
}

function lookup(r: Record<string, unknown>): Record<string, unknown> {
  const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : v)
  return { name: r.item, answers: list(r.rdata), addresses: list(r.addresses), ttl: r.ttl, note: r.warning || (r.failed ? r.msg : '') || '' }
}

function pick(r: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => r[k] !== undefined).map((k) => [k, r[k]]))
}

function entryTable(e: ReportEntry): string {
  const lists = Object.entries(e.data).filter(([, v]) => Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object' && !Array.isArray(x)))
  const rest = Object.fromEntries(Object.entries(e.data).filter(([k]) => !lists.some(([l]) => l === k)))
  const tables = lists.map(([k, v]) => `<p class="muted">${esc(k)}</p>${recordsTable(v as Array<Record<string, unknown>>)}`)
  return `${Object.keys(rest).length ? valueTable(rest) : ''}${tables.join('')}<p class="muted src">from “${esc(e.task)}” on ${esc(e.host)}</p>`
}

function recordsTable(rows: Array<Record<string, unknown>>): string {
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))]
  return `<table class="list"><thead><tr>${cols.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${cols.map((c) => `<td>${value(r[c])}</td>`).join('')}</tr>`).join('')}</tbody></table>`
}

function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
}
