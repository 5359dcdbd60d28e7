// Ansible's implicit localhost: named explicitly, `localhost` (or 127.0.0.1) works without being
// in the inventory, runs locally, and gets `all`'s vars; `all` and `*` never match it.
import type { Vars } from '../playbook/types.js'
import { CONNECTION_TRANSPORT_VARS } from './connection-vars.js'
import type { Inventory, InventoryHost } from './types.js'

export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1']

// Implicit hosts computed at load time (they need host_vars/localhost.yml, which the Inventory
// shape has no slot for). Inventories built by hand fall back to `all`'s vars.
const implicitHosts = new WeakMap<Inventory, Map<string, InventoryHost>>()

/** The implicit host for `name` given `all`'s merged vars and its own host_vars files. */
export function implicitLocalhost(name: string, allVars: Vars, hostFileVars: Vars = {}): InventoryHost {
  const vars: Vars = { ...allVars }
  // In Ansible the implicit host carries ansible_connection=local as a host var, above any group.
  for (const key of CONNECTION_TRANSPORT_VARS) delete vars[key]
  return { name, vars: { ...vars, ...hostFileVars }, groups: [] }
}

export function rememberImplicit(inv: Inventory, hosts: Map<string, InventoryHost>): void {
  implicitHosts.set(inv, hosts)
}

/** Replace one implicit host (group_by/add_host put the implicit localhost in groups). */
export function updateImplicit(inv: Inventory, host: InventoryHost): void {
  const map = implicitHosts.get(inv) ?? new Map<string, InventoryHost>()
  map.set(host.name, host)
  implicitHosts.set(inv, map)
}

export function isLocalhostName(name: string): boolean {
  return LOCALHOST_NAMES.includes(name)
}

/** An inventory host, or the implicit localhost when `name` is one of its names. */
export function resolveHost(inv: Inventory, name: string): InventoryHost | undefined {
  const host = inv.hosts.get(name)
  if (host || !isLocalhostName(name)) return host
  return implicitHosts.get(inv)?.get(name) ?? implicitLocalhost(name, inv.groups.get('all')?.vars ?? {})
}
