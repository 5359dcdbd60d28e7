// Ansible's inventory variable precedence, weakest first (its default `precedence` setting):
//   all (inline) < other groups (inline) < group_vars/all < group_vars/<group> < host (inline) < host_vars/<host>
// Groups are ordered by depth below `all` (deeper wins), then ansible_group_priority, then name.
import { ParseError } from '../errors.js'
import type { Vars } from '../playbook/types.js'
import type { InventoryGroup, InventoryHost } from './types.js'
import type { RawGroup, RawInventory } from './build.js'
import type { VarsFiles } from './vars-files.js'

export interface Layers {
  raw: RawInventory
  groupFiles: Map<string, VarsFiles>
  hostFiles: Map<string, VarsFiles>
}

/** Longest path from `all` to each group, as Ansible counts depth. */
export function depths(raw: RawInventory): Map<string, number> {
  const depth = new Map<string, number>()
  const visit = (name: string, d: number): void => {
    if ((depth.get(name) ?? -1) >= d) return
    depth.set(name, d)
    for (const c of raw.groups.get(name)?.children ?? []) visit(c, d + 1)
  }
  visit('all', 0)
  return depth
}

function priority(g: RawGroup): number {
  const p = g.vars.ansible_group_priority
  if (p === undefined) return 1
  const n = typeof p === 'string' && /^-?\d+$/.test(p.trim()) ? Number(p) : p
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new ParseError(`ansible_group_priority of group '${g.name}' must be a whole number, not ${JSON.stringify(p)}`, {
      pos: g.pos,
      hint: 'Use a number such as 10; among groups at the same depth the higher priority wins.',
    })
  }
  return n
}

/** Groups in merge order (weakest first), `all` excluded. */
export function sortGroups(raw: RawInventory, names: Iterable<string>, depth: Map<string, number>): string[] {
  const key = (n: string) => ({ n, d: depth.get(n) ?? 0, p: priority(raw.groups.get(n)!) })
  return [...names]
    .filter((n) => n !== 'all')
    .map(key)
    .sort((a, b) => a.d - b.d || a.p - b.p || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0))
    .map((k) => k.n)
}

/** Every group containing `host`, directly or through children. */
function groupsOf(raw: RawInventory, host: string, parents: Map<string, string[]>): Set<string> {
  const out = new Set<string>(['all'])
  const up = (name: string): void => {
    if (out.has(name) && name !== 'all') return
    out.add(name)
    for (const p of parents.get(name) ?? []) up(p)
  }
  for (const g of raw.groups.values()) if (g.hosts.includes(host)) up(g.name)
  return out
}

/** The inventory vars of one host, every layer merged (shallow: a later key replaces). */
export function hostVars({ raw, groupFiles, hostFiles }: Layers, name: string, groups: string[]): Vars {
  const inline = (g: string) => raw.groups.get(g)?.vars ?? {}
  const file = (g: string) => groupFiles.get(g)?.vars ?? {}
  return Object.assign(
    {},
    inline('all'),
    ...groups.map(inline),
    file('all'),
    ...groups.map(file),
    raw.hosts.get(name)?.vars ?? {},
    hostFiles.get(name)?.vars ?? {},
  ) as Vars
}

/** Hosts and groups with membership resolved and vars merged. */
export function resolve(layers: Layers): { hosts: Map<string, InventoryHost>; groups: Map<string, InventoryGroup> } {
  const { raw, groupFiles } = layers
  const depth = depths(raw)
  const parents = new Map<string, string[]>()
  for (const g of raw.groups.values()) for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name])
  const members = new Map<string, Set<string>>()
  for (const name of raw.hosts.keys()) members.set(name, groupsOf(raw, name, parents))
  // Ansible keeps in `ungrouped` only the hosts that belong to no other group.
  for (const set of members.values()) {
    const others = [...set].filter((g) => g !== 'all' && g !== 'ungrouped')
    if (others.length) set.delete('ungrouped')
    else set.add('ungrouped')
  }
  const hosts = new Map<string, InventoryHost>()
  for (const [name, set] of members) {
    const sorted = sortGroups(raw, set, depth)
    hosts.set(name, { name, vars: hostVars(layers, name, sorted), groups: ['all', ...sorted], pos: raw.hosts.get(name)?.pos })
  }
  const groups = new Map<string, InventoryGroup>()
  for (const g of raw.groups.values()) {
    groups.set(g.name, {
      name: g.name,
      hosts: [...hosts.values()].filter((h) => h.groups.includes(g.name)).map((h) => h.name),
      children: [...g.children],
      vars: { ...g.vars, ...(groupFiles.get(g.name)?.vars ?? {}) },
      pos: g.pos,
    })
  }
  return { hosts, groups }
}
