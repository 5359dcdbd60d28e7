// What the HTML report shows, read from the run's --json lines: plays, per-host task bars, recap,
// diffs, report sections. Pure: the same lines always give the same model.
import type { EventOf, RunEvent } from '../../events.js'
import type { HostStats, TaskResult, TaskStatus } from '../../executor/result.js'
import type { FileDiff } from '../../modules/module.js'
import { censorResult } from '../hidden.js'

/** One --json line: a run event and the time it was written. */
export type StampedEvent = RunEvent & { ts: string }

export interface Bar {
  host: string
  task: string
  play: number
  /** ms since the epoch. */
  start: number
  end: number
  status: TaskStatus
  ignored: boolean
  handler: boolean
  section?: 'rescue' | 'always'
  msg?: string
  diffs: Array<FileDiff & { label?: string }>
  delegatedTo?: string
  /** The last progress seen for this task on this host. */
  progress?: EventOf<'progress'>
}

export interface Play {
  name: string
  hosts: string[]
  start: number
  end: number
}

export interface ReportEntry {
  host: string
  task: string
  at: number
  data: Record<string, unknown>
}

export interface RunModel {
  playbook: string
  check: boolean
  start: number
  end: number
  exitCode?: number
  hosts: string[]
  plays: Play[]
  bars: Bar[]
  recap?: Record<string, HostStats>
  warnings: string[]
  /** Report data by section, in arrival order. */
  sections: Map<string, ReportEntry[]>
}

/** Parse an NDJSON run log; lines that are not events (a blank line, a stray print) are skipped. */
export function parseRunLog(text: string): StampedEvent[] {
  const out: StampedEvent[] = []
  for (const line of text.split('\n')) {
    if (!line.trim().startsWith('{')) continue
    try {
      const e = JSON.parse(line) as StampedEvent
      if (typeof e.kind === 'string' && typeof e.ts === 'string') out.push(e)
    } catch {
      // A torn last line of a killed run: everything before it still makes a report.
    }
  }
  return out
}

export function buildModel(events: StampedEvent[]): RunModel {
  const t = (e: StampedEvent) => Date.parse(e.ts)
  const m: RunModel = { playbook: '', check: false, start: events.length ? t(events[0]!) : 0, end: 0, hosts: [], plays: [], bars: [], warnings: [], sections: new Map() }
  const hostSeen = new Set<string>()
  const addHost = (h: string) => {
    if (!hostSeen.has(h)) (hostSeen.add(h), m.hosts.push(h))
  }
  let task: { name: string; start: number; handler: boolean; section?: 'rescue' | 'always' } | undefined
  const progress = new Map<string, EventOf<'progress'>>()
  for (const e of events) {
    const at = t(e)
    m.end = Math.max(m.end, at)
    switch (e.kind) {
      case 'run-start':
        m.playbook = e.playbook
        m.check = e.check
        m.start = at
        break
      case 'play-start': {
        const prev = m.plays[m.plays.length - 1]
        if (prev) prev.end = at
        m.plays.push({ name: e.name, hosts: e.hosts, start: at, end: at })
        e.hosts.forEach(addHost)
        break
      }
      case 'task-start':
        task = { name: e.name, start: at, handler: e.handler, section: e.section }
        break
      case 'progress':
        progress.set(`${e.host}\0${e.task}`, e)
        break
      case 'task-result': {
        addHost(e.host)
        const r: TaskResult = e.noLog ? censorResult(e.result) : e.result
        const same = task?.name === e.task
        // With forks hosts run side by side: each bar starts when its own work did.
        const start = Math.max(same ? task!.start : m.start, at - r.durationMs)
        m.bars.push({
          host: e.host,
          task: e.task,
          play: Math.max(0, m.plays.length - 1),
          start,
          end: at,
          status: r.status,
          ignored: !!r.ignored,
          handler: same ? task!.handler : false,
          ...(same && task!.section ? { section: task!.section } : {}),
          ...(r.msg !== undefined ? { msg: r.msg } : {}),
          diffs: e.noLog ? [] : diffsOf(r),
          ...(e.delegatedTo ? { delegatedTo: e.delegatedTo } : {}),
          ...progressFor(progress, e.host, e.task),
        })
        break
      }
      case 'report': {
        const list = m.sections.get(e.section) ?? []
        list.push({ host: e.host, task: e.task, at, data: e.data })
        m.sections.set(e.section, list)
        break
      }
      case 'warning':
        m.warnings.push(e.message)
        break
      case 'recap':
        m.recap = e.hosts
        break
      case 'run-end':
        m.exitCode = e.exitCode
        break
      case 'output':
      case 'message':
        break
    }
  }
  const last = m.plays[m.plays.length - 1]
  if (last) last.end = m.end
  return m
}

function progressFor(all: Map<string, EventOf<'progress'>>, host: string, task: string): { progress?: EventOf<'progress'> } {
  // Progress is named as written, results as rendered: a role prefix or {{ }} may differ.
  for (const [key, p] of all) {
    if (p.host === host && (p.task === task || task.endsWith(p.task) || p.task.endsWith(task))) {
      all.delete(key)
      return { progress: p }
    }
  }
  return {}
}

function diffsOf(r: TaskResult): Bar['diffs'] {
  const own = (r.diff ?? []).map((d) => ({ ...d }))
  const items = (r.items ?? []).flatMap((i) => (i.diff ?? []).map((d) => ({ ...d, label: i.label })))
  return [...own, ...items].filter((d) => d.before !== d.after)
}
