// A loop's items (`loop:`, or with_X through its lookup) and the variables one iteration sees: the item under loop_var, index_var, and with
// `loop_control.extended` the ansible_loop dict (index, revindex, previtem, ...), as in Ansible.
import { TemplateError, type SourcePos } from '../errors.js'
import type { Task, Vars } from '../playbook/types.js'
import { TemplateFault } from '../template/failures.js'
import { queryLookup } from '../template/functions.js'
import { renderValue } from '../template/render.js'
import { truthy, typeName } from '../template/values.js'

type LoopControl = NonNullable<Task['loopControl']>

export function loopVarsFor(lc: LoopControl, items: unknown[], i: number, vars: Vars, pos: SourcePos): Vars {
  // loop_var and index_var may be templates (`loop_var: "{{ name }}"`), as in Ansible.
  const name = (v: string): string => (v.includes('{{') ? String(renderValue(v, vars, pos)) : v)
  const loopVar = name(lc.loopVar)
  const out: Vars = { [loopVar]: items[i], ansible_loop_var: loopVar }
  if (lc.indexVar) {
    const indexVar = name(lc.indexVar)
    out[indexVar] = i
    out.ansible_index_var = indexVar
  }
  const extended = typeof lc.extended === 'string' ? truthy(renderValue(lc.extended, vars, pos)) : lc.extended === true
  if (extended) {
    const n = items.length
    const loop: Vars = {
      index: i + 1,
      index0: i,
      revindex: n - i,
      revindex0: n - i - 1,
      first: i === 0,
      last: i === n - 1,
      length: n,
    }
    if (i > 0) loop.previtem = items[i - 1]
    if (i < n - 1) loop.nextitem = items[i + 1]
    // extended_allitems: false leaves the (possibly large) list out, as Ansible allows.
    if (lc.extendedAllitems !== false) loop.allitems = items
    out.ansible_loop = loop
  }
  return out
}

/** The loop's items: the rendered `loop:`, through the with_X lookup when there is one. */
export function loopItems(task: Task, vars: Vars): unknown {
  const pos = task.keyPos.loop ?? task.pos
  const rendered = renderValue(task.loop, vars, pos)
  if (!task.loopWith) return rendered
  if (task.loopWith === 'list' && !Array.isArray(rendered)) throw new TemplateError(`with_list expects a list, got a ${typeName(rendered)}`, { pos })
  // Ansible's listify: a list is the lookup's terms, anything else is one term.
  const terms = Array.isArray(rendered) ? rendered : [rendered]
  try {
    return queryLookup(task.loopWith, terms, vars)
  } catch (e) {
    if (e instanceof TemplateFault) throw new TemplateError(e.message, { pos, hint: e.hint })
    throw e
  }
}

