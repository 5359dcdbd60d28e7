// group_by and add_host results change the run's inventory, as Ansible's strategy applies
// `add_group`/`add_host`: in check mode too, and the task is changed only when the inventory was.
import { addDynamicGroup, addDynamicHost } from '../inventory/dynamic.js'
import type { Vars } from '../playbook/types.js'
import { isMapping } from '../template/values.js'
import type { PlayContext } from './context.js'
import type { TaskResult } from './result.js'

/** The result with its status set by whether it changed the inventory; other results unchanged. */
export function applyInventoryChange(pc: PlayContext, host: string, r: TaskResult): TaskResult {
  if (r.status !== 'ok' && r.status !== 'changed') return r
  const { add_group: group, parent_groups: parents, add_host: add } = r.data
  let changed: boolean
  if (typeof group === 'string') changed = addDynamicGroup(pc.inventory, host, group, Array.isArray(parents) ? parents.map(String) : [])
  else if (isMapping(add) && typeof add.host_name === 'string') {
    changed = addDynamicHost(pc.inventory, add.host_name, Array.isArray(add.groups) ? add.groups.map(String) : [], isMapping(add.host_vars) ? (add.host_vars as Vars) : {})
  } else return r
  return { ...r, status: changed ? 'changed' : 'ok' }
}
