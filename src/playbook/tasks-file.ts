// Loading a tasks file on its own: the executor's dynamic include_tasks, after templating the path.
import { dirname, join, resolve } from 'node:path'
import type { SourcePos } from '../errors.js'
import { roleSearchDirs } from './role-files.js'
import { createRoleLoader } from './roles.js'
import { loadTaskFileWith } from './tasks.js'
import type { Condition, Role, TaskNode } from './types.js'

export interface TasksFileOptions {
  /** The role the including task belongs to: its tasks get `role`, relative imports start in its tasks/. */
  role?: Role
  /** The including task's conditions and tags, folded into every loaded task. */
  when: Condition[]
  tags: string[]
  /** The include_tasks task, for "file does not exist" errors. */
  from: SourcePos
  /** The play's folder, where roles are searched (default: the including file's folder). */
  playDir?: string
}

/**
 * Load `file` (resolved to absolute). Roles named by import_role inside are loaded too; their
 * handlers are reachable through `role.handlers` of the tasks (the play's list is already fixed).
 */
export function loadTasksFile(file: string, opts: TasksFileOptions): TaskNode[] {
  const abs = resolve(file)
  const playDir = opts.playDir ?? (opts.role ? dirname(dirname(opts.role.dir)) : dirname(opts.from.file))
  const searchDirs = opts.role ? [dirname(opts.role.dir), ...roleSearchDirs(playDir)] : roleSearchDirs(playDir)
  const ctx = {
    role: opts.role,
    when: opts.when,
    tags: opts.tags,
    chain: [],
    roles: createRoleLoader([...new Set(searchDirs)]),
    handlers: [],
    seenRoles: new Set<string>(),
  }
  return loadTaskFileWith(abs, opts.from, ctx, opts.role ? join(opts.role.dir, 'tasks') : dirname(abs))
}
