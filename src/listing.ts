// --list-tasks: the tasks a play would run under the tag filter, with their tags.
import type { Play, TaskNode } from './playbook/types.js'
import { tagsAllow, type TagFilter } from './executor/tags.js'

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
