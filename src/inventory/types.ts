// The loaded inventory. Host vars here are the inventory layers only (all < parent groups <
// child groups < host); play, role and task layers are added by the executor.
import type { SourcePos } from '../errors.js'
import type { Vars } from '../playbook/types.js'

export interface InventoryHost {
  name: string
  /** Inventory-level vars already merged in precedence order. */
  vars: Vars
  /** Every group the host belongs to, directly or through children, 'all' included. */
  groups: string[]
  pos?: SourcePos
}

export interface InventoryGroup {
  name: string
  /** Every host in the group or its descendants, in inventory order. */
  hosts: string[]
  children: string[]
  vars: Vars
  pos?: SourcePos
}

export interface Inventory {
  /** The file or folder given with -i ('' when none: only implicit localhost). */
  source: string
  hosts: Map<string, InventoryHost>
  groups: Map<string, InventoryGroup>
}
