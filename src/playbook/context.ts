// What the task loader carries while it walks a file: where it is, what is inherited, and how to
// reach roles. Roles are reached through `roles` so tasks.ts never imports roles.ts (no cycle).
import { dirname, isAbsolute, relative } from 'node:path'
import type { SourcePos } from '../errors.js'
import type { SourceFile } from '../yaml/source.js'
import type { Keywords } from './inherit.js'
import type { Condition, Role, Task, Vars } from './types.js'

/** How a role was named: in `roles:`, in meta dependencies, or by import_role/include_role. */
export interface RoleRef {
  name: string
  params: Vars
  when: Condition[]
  tags: string[]
  /** Task keywords given on the reference (become, ignore_errors...), applied to its tasks. */
  keywords: Keywords
  /** Which files to load instead of main.yml (import_role tasks_from=...). */
  from: { tasks?: string; handlers?: string; vars?: string; defaults?: string }
  src: SourceFile
  path: Array<string | number>
}

export interface RoleLoader {
  /** The role and, before it, its dependencies not loaded yet in this play. With `once`, the
   * role itself is also skipped (empty list) when this play already has it with the same params. */
  load(ref: RoleRef, ctx: LoadCtx, once: boolean): Role[]
}

export interface LoadCtx {
  src: SourceFile
  /** Folder that relative import_tasks paths start from. */
  dir: string
  role?: Role
  /** Inherited from imports and roles, folded into every node. */
  when: Condition[]
  tags: string[]
  /** Files and roles on the import stack, outermost first, to report cycles. */
  chain: string[]
  roles: RoleLoader
  /** Handlers of roles pulled in by import_role/include_role; they join the play's handlers. */
  handlers: Task[]
  /** Role instances already loaded in this play (name + params), so each runs once. */
  seenRoles: Set<string>
}

export function cycleMessage(what: string, chain: string[], again: string): string {
  const loop = [...chain.slice(chain.indexOf(again)), again]
  // Files are shown relative to the first one's folder: the chain stays readable.
  const base = loop.find((l) => isAbsolute(l))
  const show = (l: string) => (base && isAbsolute(l) ? relative(dirname(base), l) : l)
  return `${what} cycle: ${loop.map(show).join(' → ')}`
}

export type { SourcePos }
