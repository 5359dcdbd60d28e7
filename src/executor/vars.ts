// Variable precedence and lazy templating. Layers merge shallowly, later wins (Ansible's
// hash_behaviour=replace); a value that is itself a template is rendered when first read, so
// `mail_home: "/home/{{ user }}"` in group_vars sees the task's `user`.
import { isUnsafe } from '../template/unsafe.js'
import type { SourcePos } from '../errors.js'
import { TemplateError } from '../errors.js'
import type { Play, Role, Vars } from '../playbook/types.js'
import { renderValue } from '../template/render.js'

/**
 * The documented order, lowest first:
 * role defaults < inventory (all < parent group < child group < host) < facts < play vars <
 * vars_files < role vars < role params < block vars < task vars < set_fact/registered <
 * extra vars. Magic variables (inventory_hostname, hostvars, groups...) cannot be overridden.
 */
export interface VarSources {
  roleDefaults?: Vars
  inventory: Vars
  facts: Vars
  play?: Play
  role?: Role
  /** Block vars (outermost first), then the task's vars, then loop vars. */
  scoped: Vars[]
  registered: Vars
  extra: Vars
  magic: Vars
}

export function mergeVars(s: VarSources): Vars {
  const layers: Vars[] = [s.roleDefaults ?? {}, s.inventory, s.facts]
  if (s.play) {
    layers.push(s.play.vars)
    for (const vf of s.play.varsFiles) layers.push(vf.vars)
  }
  if (s.role) layers.push(s.role.vars, s.role.params)
  layers.push(...s.scoped, s.registered, s.extra, s.magic)
  return Object.assign({}, ...layers) as Vars
}

const hasTemplate = (v: unknown): boolean => {
  if (typeof v === 'string') return v.includes('{{') && !isUnsafe(v)
  if (Array.isArray(v)) return v.some(hasTemplate)
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).some(hasTemplate)
  return false
}

/**
 * Keys whose winning value is data a host sent back (registered results, facts): like Ansible's
 * unsafe values they are never rendered, so a file or command output holding `{{ }}` stays text.
 */
export function rawKeys(merged: Vars, ...hostData: Vars[]): Set<string> {
  const out = new Set<string>()
  for (const layer of hostData) for (const [k, v] of Object.entries(layer)) if (Object.is(merged[k], v)) out.add(k)
  return out
}

/**
 * A view of `merged` whose templated values render on first read against the view itself.
 * Getters keep it a plain object, which Handlebars' strict lookup and the expression evaluator both accept.
 */
export function templatedView(merged: Vars, pos: SourcePos, raw: ReadonlySet<string> = new Set()): Vars {
  const view: Vars = {}
  const resolving = new Set<string>()
  for (const [key, value] of Object.entries(merged)) {
    if (raw.has(key) || !hasTemplate(value)) {
      view[key] = value
      continue
    }
    Object.defineProperty(view, key, {
      enumerable: true,
      configurable: true,
      get() {
        if (resolving.has(key)) {
          throw new TemplateError(`variable '${key}' refers to itself`, { pos, hint: `Break the loop in the definition of '${key}'.` })
        }
        resolving.add(key)
        try {
          const rendered = renderValue(value, view, pos)
          Object.defineProperty(view, key, { value: rendered, enumerable: true, configurable: true, writable: true })
          return rendered
        } finally {
          resolving.delete(key)
        }
      },
    })
  }
  return view
}
