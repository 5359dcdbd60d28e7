// The inventory changing during a run (group_by, add_host): the raw layers it was merged from are
// kept, changed, and merged again, so a new group gets its group_vars/ file and every precedence
// rule of load time still holds for the plays that follow.
import type { Vars } from '../playbook/types.js'
import { emptyRaw, type RawInventory } from './build.js'
import { isLocalhostName, updateImplicit } from './localhost.js'
import { resolve, type Layers } from './merge.js'
import type { Inventory } from './types.js'

const layersOf = new WeakMap<Inventory, Layers>()
/** Implicit localhost names a change made explicit: still outside `all`, as in Ansible. */
const implicitOf = new WeakMap<Inventory, Set<string>>()

export function rememberLayers(inv: Inventory, layers: Layers): void {
  layersOf.set(inv, layers)
}

/** The layers of an inventory built by hand (tests): its merged view taken as written inline. */
function layers(inv: Inventory): Layers {
  let l = layersOf.get(inv)
  if (l) return l
  const raw = emptyRaw()
  for (const g of inv.groups.values()) {
    const direct = g.hosts.filter((h) => !g.children.some((c) => inv.groups.get(c)?.hosts.includes(h)))
    raw.groups.set(g.name, { name: g.name, children: [...g.children], childPos: {}, hosts: direct, vars: { ...g.vars }, pos: g.pos })
  }
  for (const h of inv.hosts.values()) raw.hosts.set(h.name, { name: h.name, vars: { ...h.vars }, pos: h.pos })
  l = { raw, groupFiles: new Map(), hostFiles: new Map() }
  layersOf.set(inv, l)
  return l
}

function ensureGroup(raw: RawInventory, name: string): boolean {
  if (raw.groups.has(name)) return false
  raw.groups.set(name, { name, children: [], childPos: {}, hosts: [], vars: {} })
  raw.groups.get('all')!.children.push(name)
  return true
}

function ensureHost(inv: Inventory, raw: RawInventory, name: string): boolean {
  if (raw.hosts.has(name)) return false
  const implicit = isLocalhostName(name) && !inv.hosts.has(name)
  // The implicit localhost keeps running locally once it is named in a group.
  raw.hosts.set(name, { name, vars: implicit ? { ansible_connection: 'local' } : {} })
  if (implicit) {
    const set = implicitOf.get(inv) ?? new Set()
    set.add(name)
    implicitOf.set(inv, set)
  }
  return true
}

function addToGroup(raw: RawInventory, group: string, host: string): boolean {
  const g = raw.groups.get(group)!
  if (g.hosts.includes(host)) return false
  g.hosts.push(host)
  return true
}

/** Merge again and swap the result into the inventory's maps (shared by the whole run). */
function remerge(inv: Inventory, l: Layers): void {
  const { hosts, groups } = resolve(l)
  // The implicit localhost stays implicit: in its new groups, not in `all` or the host list.
  for (const name of implicitOf.get(inv) ?? []) {
    for (const g of ['all', 'ungrouped']) {
      const group = groups.get(g)
      if (group) group.hosts = group.hosts.filter((h) => h !== name)
    }
    const host = hosts.get(name)!
    hosts.delete(name)
    updateImplicit(inv, { ...host, groups: host.groups.filter((g) => g !== 'all' && g !== 'ungrouped') })
  }
  inv.hosts.clear()
  for (const [k, v] of hosts) inv.hosts.set(k, v)
  inv.groups.clear()
  for (const [k, v] of groups) inv.groups.set(k, v)
}

/** group_by: `host` joins `group`, which goes under `parents`. Returns whether anything changed. */
export function addDynamicGroup(inv: Inventory, host: string, group: string, parents: string[]): boolean {
  const l = layers(inv)
  let changed = ensureGroup(l.raw, group)
  for (const p of parents) {
    changed = ensureGroup(l.raw, p) || changed
    const parent = l.raw.groups.get(p)!
    if (p !== group && p !== 'all' && !parent.children.includes(group)) {
      parent.children.push(group)
      changed = true
    }
  }
  changed = ensureHost(inv, l.raw, host) || changed
  changed = addToGroup(l.raw, group, host) || changed
  if (changed) remerge(inv, l)
  return changed
}

/** add_host: the host (new or known) gets these groups and host vars. Returns whether anything changed. */
export function addDynamicHost(inv: Inventory, host: string, groups: string[], hostVars: Vars): boolean {
  const l = layers(inv)
  let changed = ensureHost(inv, l.raw, host)
  const raw = l.raw.hosts.get(host)!
  for (const [k, v] of Object.entries(hostVars)) {
    if (JSON.stringify(raw.vars[k]) === JSON.stringify(v)) continue
    raw.vars[k] = v
    changed = true
  }
  for (const g of groups) {
    changed = ensureGroup(l.raw, g) || changed
    changed = addToGroup(l.raw, g, host) || changed
  }
  if (changed) remerge(inv, l)
  return changed
}
