// The module registry: every built-in module by name. Each group file lists its own modules.
import type { Module } from './module.js'
import { coreModules } from './core/index.js'
import { fileModules } from './files/index.js'
import { mailModules } from './mail/index.js'
import { netModules } from './net/index.js'
import { systemModules } from './system/index.js'

const all = new Map<string, Module<any, any>>()
for (const m of [...coreModules, ...fileModules, ...systemModules, ...netModules, ...mailModules]) all.set(m.name, m)

/** Names the loader treats as task keywords handled by the executor, not modules. */
export const EXECUTOR_ACTIONS = ['include_tasks', 'import_tasks', 'include_role', 'import_role', 'meta', 'block'] as const

/** Strip a collection prefix: `ansible.builtin.copy` and `tsplay.copy` are `copy`. */
export function canonicalName(name: string): string {
  const m = /^(?:ansible\.(?:builtin|posix|netcommon)|community\.general|tsplay)\.(.+)$/.exec(name)
  return m ? m[1]! : name
}

export function getModule(name: string): Module<any, any> | undefined {
  return all.get(canonicalName(name))
}

export function moduleNames(): string[] {
  return [...all.keys()].sort()
}

/** Add or replace a module (tests register fakes; the loader checks args against the schema). */
export function registerModule(m: Module<any, any>): void {
  all.set(m.name, m)
}
