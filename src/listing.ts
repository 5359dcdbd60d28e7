// --list-tasks: the tasks a play would run under the tag filter, with their tags.
import type { Play, TaskNode } from './playbook/types.js'
import { tagsAllow, type TagFilter } from './executor/tags.js'
import { OptionsError } from './errors.js'
import { didYouMean } from './util/suggest.js'

export function listTasks(play: Play, filter: TagFilter): string[] {
  const out: string[] = []
  const visit = (nodes: readonly TaskNode[], prefix = ''): void => {
    for (const n of nodes) {
      if (n.kind === 'block') {
        visit(n.block, prefix)
        visit(n.rescue, prefix)
        visit(n.always, prefix)
      } else if (tagsAllow(n.tags, filter) && n.module !== 'meta') {
        const name = n.name ?? n.module
        out.push(`${prefix}${n.role ? `${n.role.name} : ` : ''}${name}\tTAGS: [${n.tags.join(', ')}]`)
      }
    }
  }
  visit(play.preTasks)
  for (const r of play.roles) visit(r.tasks)
  visit(play.tasks)
  visit(play.postTasks)
  return out
}

/** --start-at-task must name a task the plays hold (static imports only, as in Ansible). */
export function checkStartAtTask(plays: readonly Play[], name: string): void {
  const names = new Set<string>()
  const visit = (nodes: readonly TaskNode[]): void => {
    for (const n of nodes) {
      if (n.kind === 'block') [n.block, n.rescue, n.always].forEach(visit)
      else if (n.name !== undefined) names.add(n.name)
    }
  }
  for (const p of plays) [p.preTasks, ...p.roles.map((r) => r.tasks), p.tasks, p.postTasks].forEach(visit)
  if (names.has(name)) return
  throw new OptionsError(`--start-at-task: no task is named '${name}'.${didYouMean(name, names)}`, {
    hint: 'Give the exact name: of a task (tsplay PLAYBOOK --list-tasks shows them); tasks inside include_tasks cannot be started at.',
  })
}
