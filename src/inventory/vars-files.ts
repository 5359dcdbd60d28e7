// group_vars/ and host_vars/ beside the inventory: `<name>.yml`, `<name>.yaml`, `<name>.json`,
// a bare `<name>`, or a folder `<name>/` whose files are merged in sorted path order.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ParseError } from '../errors.js'
import type { Vars } from '../playbook/types.js'
import { posAt, readSource } from '../yaml/source.js'

export interface VarsFiles {
  /** Merged vars of every file for that name. */
  vars: Vars
  /** The files read, in merge order (the first one is named in warnings). */
  files: string[]
}

const EXTENSIONS = ['.yml', '.yaml', '.json']

/** Read `<dir>` (group_vars or host_vars); names map to their merged vars. Missing dir: empty. */
export function readVarsDir(dir: string): Map<string, VarsFiles> {
  const out = new Map<string, VarsFiles>()
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return out
  // Per name, Ansible's order: the bare name (file or folder) first, then each extension.
  const entries = readdirSync(dir)
    .filter((e) => !e.startsWith('.'))
    .map((e) => ({ entry: e, ...split(e) }))
    .filter((e) => e.rank >= 0 || statSync(join(dir, e.entry)).isDirectory())
    .sort((a, b) => (a.name === b.name ? a.rank - b.rank : a.name < b.name ? -1 : 1))
  for (const { entry, name } of entries) {
    const path = join(dir, entry)
    const files = statSync(path).isDirectory() ? filesIn(path) : [path]
    const slot = out.get(name) ?? { vars: {}, files: [] }
    for (const file of files) {
      Object.assign(slot.vars, readVarsFile(file))
      slot.files.push(file)
    }
    out.set(name, slot)
  }
  return out
}

/** Name and ordering rank of a vars entry: 0 bare, 1.. by extension; -1 for other files. */
function split(entry: string): { name: string; rank: number } {
  const i = EXTENSIONS.findIndex((ext) => entry.endsWith(ext))
  if (i >= 0) return { name: entry.slice(0, -EXTENSIONS[i]!.length), rank: i + 1 }
  // A bare file counts only without any dot (editor backups such as `all.yml~` or `web.bak` are skipped).
  return { name: entry, rank: entry.includes('.') ? -1 : 0 }
}

/** Vars files under a folder, recursively, sorted by their path inside it. */
function filesIn(folder: string): string[] {
  const found: string[] = []
  const visit = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      if (e.startsWith('.')) continue
      const path = join(dir, e)
      if (statSync(path).isDirectory()) visit(path)
      else if (EXTENSIONS.some((ext) => e.endsWith(ext))) found.push(path)
    }
  }
  visit(folder)
  return found.sort((a, b) => (relative(folder, a) < relative(folder, b) ? -1 : 1))
}

/** One vars file: a mapping of variable names (an empty file is no vars). */
export function readVarsFile(file: string): Vars {
  const src = readSource(file, undefined, 'vars file')
  if (src.text.startsWith('$ANSIBLE_VAULT')) {
    throw new ParseError(`${file} is encrypted with ansible-vault, which tsplay does not read`, {
      pos: { file, line: 1, col: 1 },
      hint: 'Decrypt it with ansible-vault decrypt (and keep it out of version control), or pass the secret with -e.',
    })
  }
  const value = src.value
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ParseError(`vars file ${file} must be a mapping of variable names to values, not ${Array.isArray(value) ? 'a list' : typeof value}`, {
      pos: posAt(src, []),
      hint: 'Write `name: value` lines at the top level of the file (no `- `).',
    })
  }
  return value as Vars
}
