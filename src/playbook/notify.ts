// `notify` must name a handler (or a `listen` topic) the play has: a typo would otherwise make
// the handler silently never run.
import { ParseError, type SourcePos } from '../errors.js'
import { didYouMean } from '../util/suggest.js'
import type { Task, TaskNode } from './types.js'

/** Where each notify item was written (Task.keyPos has only the whole list). */
export const notifyPos = new WeakMap<Task, SourcePos[]>()

/** Names a notify may use: handler names, listen topics, and Ansible's `role : handler` form. */
export function handlerNames(handlers: Task[]): Set<string> {
  const names = new Set<string>()
  for (const h of handlers) {
    if (h.name !== undefined) {
      names.add(h.name)
      if (h.role) names.add(`${h.role.name} : ${h.name}`)
    }
    for (const topic of h.listen) names.add(topic)
  }
  return names
}

/** Throw at the first notify value that matches no handler. Templated names wait for run time. */
export function checkNotify(nodes: TaskNode[], names: Set<string>): void {
  for (const node of nodes) {
    if (node.kind === 'block') {
      checkNotify([...node.block, ...node.rescue, ...node.always], names)
      continue
    }
    node.notify.forEach((name, i) => {
      if (names.has(name) || name.includes('{{')) return
      const known = [...names]
      throw new ParseError(`notify '${name}' matches no handler.${didYouMean(name, known)}`, {
        pos: notifyPos.get(node)?.[i] ?? node.keyPos.notify ?? node.pos,
        hint: known.length ? `Handlers in this play: ${known.join(', ')}.` : "This play has no handlers; add one under 'handlers:' with this name.",
      })
    })
  }
}
