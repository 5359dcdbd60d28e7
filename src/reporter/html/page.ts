// The whole report: one self-contained HTML file (inline CSS and SVG, no script, no outside URL),
// drawn from the run's --json lines only, so a saved run log gives the very same page.
import { buildModel, type RunModel, type StampedEvent } from './model.js'
import { clock, duration, esc } from './escape.js'
import { hasMigration, migrationSection, migrationWindows } from './migration.js'
import { diffs, failures, genericSection, recapTable, taskList } from './tables.js'
import { timeline } from './timeline.js'
import { STYLE } from './style.js'

export function renderReport(events: StampedEvent[]): string {
  const m = buildModel(events)
  const migration = hasMigration(m)
  const body = [
    header(m),
    '<h2>Timeline</h2>',
    `<div class="scroll">${timeline(m, migrationWindows(m))}</div>`,
    LEGEND,
    migration ? migrationSection(m) : '',
    '<h2>Recap</h2>',
    recapTable(m),
    '<h2>Failures</h2>',
    failures(m),
    '<h2>Changes</h2>',
    diffs(m),
    '<h2>Tasks</h2>',
    taskList(m),
    otherSections(m),
    m.warnings.length ? `<h2>Warnings</h2><ul class="warnings">${m.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '',
  ]
  const title = `tsplay report: ${m.playbook.split('/').pop() || 'run'}`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body.join('\n')}</main></body></html>
`
}

function header(m: RunModel): string {
  const verdict = m.exitCode === undefined ? ['unfinished', 'the run log ends before the run did'] : m.exitCode === 0 ? ['ok', 'exit code 0'] : ['failed', `exit code ${m.exitCode}`]
  const facts = [
    ['started', `${new Date(m.start).toISOString().slice(0, 10)} ${clock(m.start)} UTC`],
    ['took', duration(m.end - m.start)],
    ['hosts', m.hosts.join(', ') || 'none'],
    ['plays', String(m.plays.length)],
    ['task results', String(m.bars.length)],
  ]
  // The playbook's folder and name say which one it was; the full path is in the tooltip.
  const shown = m.playbook.split('/').slice(-2).join('/')
  return `<header><h1 title="${esc(m.playbook)}">${esc(shown || 'tsplay run')} <span class="badge ${verdict[0]}">${esc(verdict[0]!)}</span>${m.check ? ' <span class="badge check">--check</span>' : ''}</h1>
<p class="muted">${esc(verdict[1]!)}</p><dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></header>`
}

function otherSections(m: RunModel): string {
  const other = [...m.sections].filter(([s]) => !s.startsWith('migration.'))
  if (other.length === 0) return ''
  return `<h2>Reported data</h2>${other.map(([s, entries]) => genericSection(s, entries)).join('')}`
}

const LEGEND = `<p class="legend"><span class="sw ok"></span>ok <span class="sw changed"></span>changed <span class="sw failed"></span>failed <span class="sw skipped"></span>skipped <span class="sw unreachable"></span>unreachable <span class="sw handler"></span>handler <span class="sw rescue"></span>rescue <span class="sw always"></span>always <span class="sw outage"></span>outage window — hover a bar for its task</p>`
