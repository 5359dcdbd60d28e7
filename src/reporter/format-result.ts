// One host's task result as ansible-playbook prints it: `changed: [web1]`, `fatal: [web1]: FAILED! => msg`.
import type { EventOf } from '../events.js'
import type { ItemResult, TaskResult } from '../executor/result.js'
import { formatDiffs } from './diff.js'
import { censorResult } from './hidden.js'
import type { Paint, Palette } from './paint.js'

export interface ResultFormatOptions {
  verbose: number
  diff: boolean
  p: Palette
}

type ResultEvent = EventOf<'task-result'>

/** Every line the plain reporter prints for one task-result event, each ending in a newline. */
export function formatResult(e: ResultEvent, o: ResultFormatOptions): string {
  const r = e.noLog ? censorResult(e.result) : e.result
  const who = e.delegatedTo ? `${e.host} -> ${e.delegatedTo}` : e.host
  const items = r.items ?? []
  let out = ''
  for (const item of items) out += formatItem(who, item, !!e.noLog, o)
  // A loop's overall line only matters when the loop failed; success was told item by item.
  const overall = items.length === 0 || r.status === 'failed' || r.status === 'unreachable'
  if (overall) out += formatOne(who, r, !!e.noLog, o, undefined)
  return out
}

function formatItem(who: string, item: ItemResult, noLog: boolean, o: ResultFormatOptions): string {
  return formatOne(who, item, noLog, o, item.label)
}

function formatOne(who: string, r: TaskResult, noLog: boolean, o: ResultFormatOptions, label?: string): string {
  const paint = statusPaint(r, o.p)
  const item = label === undefined ? '' : `(item=${label})`
  let out = o.diff && !noLog ? formatDiffs(r.diff, o.p) : ''
  const msg = r.msg ?? ''
  switch (r.status) {
    case 'failed':
      // Ansible words a failed loop item differently from a failed task.
      out += paint(label === undefined ? `fatal: [${who}]: FAILED! => ${msg || 'failed'}` : `failed: [${who}] ${item} => ${msg || 'failed'}`) + '\n'
      out += paint(outputBlocks(r, noLog))
      break
    case 'unreachable':
      out += paint(`fatal: [${who}]: UNREACHABLE! => ${label === undefined ? '' : `${item} => `}${msg || 'unreachable'}`) + '\n'
      break
    default: {
      const head = `${statusWord(r)}: [${who}]${item ? ` => ${item}` : ''}`
      out += paint(head + okDetail(r, noLog, o.verbose)) + '\n'
      if (o.verbose >= 1) out += paint(outputBlocks(r, noLog))
    }
  }
  if (o.verbose >= 1 && r.planned?.length) {
    out += r.planned.map((c) => paint(`    would run: ${c}`) + '\n').join('')
  }
  if (r.ignored && r.status === 'failed') out += o.p.skipped('...ignoring') + '\n'
  return out
}

/** What follows `ok: [host]`: a debug message always, the no-change or skip reason at -v. */
function okDetail(r: TaskResult, noLog: boolean, verbose: number): string {
  if (noLog) return verbose >= 1 ? ` => ${r.msg}` : ''
  // Modules that exist to show something (debug, assert) put it in data.msg; Ansible shows it
  // at every verbosity, pretty-printed with 4 spaces.
  const shown = displayed(r)
  if (shown) return ` => ${JSON.stringify(shown, null, 4)}`
  if (verbose >= 1 && r.msg) return ` => ${r.msg}`
  return ''
}

/** What a debug-like result displays: `{msg}`, or `{var: value}` for `debug: var=...`, which
 * the debug module reports as data `{[var]: value}` with msg `var: ...`. */
export function displayed(r: TaskResult): Record<string, unknown> | undefined {
  if (r.status === 'skipped') return undefined
  if (r.data.msg !== undefined) return { msg: r.data.msg }
  const keys = Object.keys(r.data)
  if (keys.length === 1 && r.msg?.startsWith(`${keys[0]}: `)) return { [keys[0]!]: r.data[keys[0]!] }
  return undefined
}

/** stderr and stdout of a command as YAML-ish blocks, readable where Ansible's JSON is not. */
function outputBlocks(r: TaskResult, noLog: boolean): string {
  if (noLog) return ''
  let out = ''
  for (const key of ['stderr', 'stdout'] as const) {
    const v = r.data[key]
    if (typeof v !== 'string' || v.trim() === '') continue
    const lines = v.replace(/\n$/, '').split('\n')
    out += `  ${key}: |\n` + lines.map((l) => `    ${l}\n`).join('')
  }
  return out
}

function statusWord(r: TaskResult): string {
  if (r.status === 'skipped') return 'skipping'
  return r.status
}

function statusPaint(r: TaskResult, p: Palette): Paint {
  switch (r.status) {
    case 'ok':
      return p.ok
    case 'changed':
      return p.changed
    case 'skipped':
      return p.skipped
    case 'failed':
      return p.failed
    case 'unreachable':
      return p.unreachable
  }
}
