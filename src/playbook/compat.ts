// `tsplay compat PLAYBOOK`: everything in a (foreign) playbook tsplay would not run, found without
// running it: the load's refusals (keywords, modules, args) and, in what loads, the `{{ }}` and
// conditions naming filters, tests, lookups or syntax tsplay does not have.
import { formatPos, type ParseError, type SourcePos } from '../errors.js'
import { scanCondition, scanText } from '../template/scan.js'
import { loadPlaybookProblems } from './load.js'
import type { Condition, Play, Role, TaskNode } from './types.js'

export interface CompatProblem {
  pos?: SourcePos
  message: string
  hint?: string
}

export function compatReport(file: string): CompatProblem[] {
  const { playbook, problems } = loadPlaybookProblems(file)
  const out: CompatProblem[] = problems.map((p: ParseError) => ({ pos: p.pos, message: p.message, hint: p.hint }))
  if (!playbook) return out
  const seen = new Set<string>()
  const add = (pos: SourcePos, messages: string[]): void => {
    for (const message of messages) {
      const key = `${formatPos(pos)} ${message}`
      if (seen.has(key)) continue
      seen.add(key)
      out.push({ pos, message })
    }
  }
  const texts = (v: unknown, pos: SourcePos): void => {
    if (typeof v === 'string') add(pos, scanText(v))
    else if (Array.isArray(v)) v.forEach((x) => texts(x, pos))
    else if (v && typeof v === 'object') Object.values(v).forEach((x) => texts(x, pos))
  }
  const conds = (cs: Condition[] | Condition | undefined): void => {
    for (const c of cs === undefined ? [] : Array.isArray(cs) ? cs : [cs]) if (typeof c.expr === 'string') add(c.pos, scanCondition(c.expr))
  }
  const nodes = (list: TaskNode[]): void => {
    for (const n of list) {
      conds(n.when)
      texts(n.vars, n.pos)
      if (n.kind === 'block') {
        nodes(n.block)
        nodes(n.rescue)
        nodes(n.always)
        continue
      }
      texts(n.args, n.keyPos[n.module] ?? n.pos)
      texts(n.loop, n.keyPos.loop ?? n.pos)
      conds(n.changedWhen)
      conds(n.failedWhen)
      conds(n.until)
    }
  }
  const role = (r: Role): void => {
    texts(r.defaults, r.pos)
    texts(r.vars, r.pos)
    nodes(r.tasks)
    nodes(r.handlers)
  }
  playbook.plays.forEach((p: Play) => {
    texts(p.vars, p.pos)
    p.roles.forEach(role)
    for (const list of [p.preTasks, p.tasks, p.postTasks, p.handlers]) nodes(list)
  })
  return out.sort((a, b) => (a.pos && b.pos ? a.pos.file.localeCompare(b.pos.file) || a.pos.line - b.pos.line || a.pos.col - b.pos.col : 0))
}
