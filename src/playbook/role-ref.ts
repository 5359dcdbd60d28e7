// A role reference (`- web`, `- role: web` + when/tags/vars/keywords/params) → RoleRef.
import type { SourceFile } from '../yaml/source.js'
import { errorAt, isMapping, type Path } from './at.js'
import { checkSchema } from './check-node.js'
import type { RoleRef } from './context.js'
import { keywordsOf } from './inherit.js'
import { BOOL_KEYWORDS, INHERITED_KEYWORDS, TASK_SCHEMA } from './keywords.js'
import { coerceBools, toConditions, toTags } from './normalize.js'

const REF_KEYS = new Set<string>(['role', 'name', 'when', 'tags', 'vars', ...INHERITED_KEYWORDS])

export function parseRoleRef(src: SourceFile, path: Path, value: unknown): RoleRef {
  const base = { params: {}, when: [], tags: [], keywords: {}, from: {}, src, path }
  if (typeof value === 'string' && value !== '') return { ...base, name: value }
  if (!isMapping(value)) throw errorAt(src, path, 'a role reference must be a name or a mapping', 'Write "- rolename" or "- role: rolename".')
  const name = value.role ?? value.name
  if (typeof name !== 'string' || name === '') {
    throw errorAt(src, path, "role reference has no 'role' name", 'Write "- role: rolename" (extra keys become role params).')
  }
  coerceBools(value, BOOL_KEYWORDS)
  const known = Object.fromEntries(Object.entries(value).filter(([k]) => REF_KEYS.has(k)))
  checkSchema(src, path, TASK_SCHEMA, known, 'role reference')
  // Anything that is not a keyword is a role param, as in Ansible.
  const params: Record<string, unknown> = { ...((value.vars as Record<string, unknown> | undefined) ?? {}) }
  for (const [k, v] of Object.entries(value)) if (!REF_KEYS.has(k)) params[k] = v
  return {
    ...base,
    name,
    params,
    when: toConditions(src, path, 'when', value.when),
    tags: toTags(value.tags),
    keywords: keywordsOf(value),
  }
}
