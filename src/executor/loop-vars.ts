// The variables one loop iteration sees: the item under loop_var, index_var, and with
// `loop_control.extended` the ansible_loop dict (index, revindex, previtem, ...), as in Ansible.
import type { SourcePos } from '../errors.js'
import type { Task, Vars } from '../playbook/types.js'
import { renderValue } from '../template/render.js'
import { truthy } from '../template/values.js'

type LoopControl = NonNullable<Task['loopControl']>

export function loopVarsFor(lc: LoopControl, items: unknown[], i: number, vars: Vars, pos: SourcePos): Vars {
  const out: Vars = { [lc.loopVar]: items[i], ansible_loop_var: lc.loopVar }
  if (lc.indexVar) {
    out[lc.indexVar] = i
    out.ansible_index_var = lc.indexVar
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
