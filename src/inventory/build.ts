// Walk a validated YAML inventory into groups and hosts as written: membership, inline vars and
// where each was declared. Precedence and group_vars come later (merge.ts, vars-files.ts).
import { ParseError, type SourcePos } from '../errors.js'
import type { Vars } from '../playbook/types.js'
import { keyPosAt, type SourceFile } from '../yaml/source.js'
import { expandHostRange } from './host-range.js'

export interface RawGroup {
  name: string
  /** Direct children, in the order first written. */
  children: string[]
  /** Where each child was written under this group, for errors about that edge. */
  childPos: Record<string, SourcePos>
  /** Hosts listed directly under this group. */
  hosts: string[]
  /** Inline vars; a group written under several parents merges them in file order. */
  vars: Vars
  pos?: SourcePos
}

export interface RawHost {
  name: string
  /** Inline vars; a host written in several groups merges them in file order. */
  vars: Vars
  pos?: SourcePos
}

export interface RawInventory {
  groups: Map<string, RawGroup>
  /** In inventory order: the order hosts are first written. */
  hosts: Map<string, RawHost>
}

type Node = Record<string, unknown> | null | undefined

export function emptyRaw(): RawInventory {
  const raw: RawInventory = { groups: new Map(), hosts: new Map() }
  group(raw, 'all')
  group(raw, 'ungrouped')
  raw.groups.get('all')!.children.push('ungrouped')
  return raw
}

function group(raw: RawInventory, name: string, pos?: SourcePos): RawGroup {
  let g = raw.groups.get(name)
  if (!g) raw.groups.set(name, (g = { name, children: [], childPos: {}, hosts: [], vars: {}, pos }))
  g.pos ??= pos
  return g
}

function addChild(parent: RawGroup, child: string): void {
  if (!parent.children.includes(child)) parent.children.push(child)
}

/** Build the raw inventory from a file whose value passed validateInventory. */
export function buildRaw(src: SourceFile): RawInventory {
  const raw = emptyRaw()
  const top = (src.value ?? {}) as Record<string, Node>
  for (const [name, data] of Object.entries(top)) {
    // Top-level groups other than `all` are children of `all`, as in Ansible.
    if (name !== 'all') addChild(raw.groups.get('all')!, name)
    walk(raw, src, name, data, [name], keyPosAt(src, [], name))
  }
  return raw
}

function walk(raw: RawInventory, src: SourceFile, name: string, data: Node, path: string[], pos: SourcePos): void {
  const g = group(raw, name, pos)
  if (!data) return
  Object.assign(g.vars, data.vars ?? {})
  const hosts = (data.hosts ?? {}) as Record<string, Vars | null>
  for (const [key, vars] of Object.entries(hosts)) {
    const hostPos = keyPosAt(src, [...path, 'hosts'], key)
    for (const hostName of expandHostRange(key, hostPos)) {
      let h = raw.hosts.get(hostName)
      if (!h) raw.hosts.set(hostName, (h = { name: hostName, vars: {}, pos: hostPos }))
      Object.assign(h.vars, vars ?? {})
      if (!g.hosts.includes(hostName)) g.hosts.push(hostName)
    }
  }
  const children = (data.children ?? {}) as Record<string, Node>
  for (const [child, childData] of Object.entries(children)) {
    const childPos = keyPosAt(src, [...path, 'children'], child)
    if (child === 'all') {
      throw new ParseError(`group '${name}' lists 'all' as a child`, {
        pos: childPos,
        hint: "'all' is the root group that holds every other group; it cannot be anyone's child.",
      })
    }
    addChild(g, child)
    g.childPos[child] ??= childPos
    walk(raw, src, child, childData, [...path, 'children', child], childPos)
  }
}

/** A group that is its own ancestor would make membership infinite: refuse it where it closes. */
export function checkCycles(raw: RawInventory): void {
  const state = new Map<string, 'open' | 'done'>()
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return
    if (state.get(name) === 'open') {
      const loop = [...trail.slice(trail.indexOf(name)), name].join(' → ')
      throw new ParseError(`groups form a loop: ${loop}`, {
        pos: raw.groups.get(trail[trail.length - 1]!)?.childPos[name],
        hint: 'A group cannot be a child of its own descendant; remove one of these children: entries.',
      })
    }
    state.set(name, 'open')
    for (const c of raw.groups.get(name)?.children ?? []) visit(c, [...trail, name])
    state.set(name, 'done')
  }
  visit('all', [])
}
