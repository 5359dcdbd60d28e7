// Argument aliases as Ansible spells them (lineinfile `dest` for `path`): declared once on the
// schema property (`aliases: ['dest', 'name']`), resolved here to the canonical name before
// validation, so the schema stays the only description and `tsplay doc` lists them.

/** alias → canonical property name, read from the schema's `aliases` declarations. */
export function aliasMap(schema: object): Record<string, string> {
  const props = (schema as { properties?: Record<string, { aliases?: string[] }> }).properties ?? {}
  const out: Record<string, string> = {}
  for (const [name, p] of Object.entries(props)) for (const a of p.aliases ?? []) out[a] = name
  return out
}

export interface AliasConflict {
  alias: string
  canonical: string
  /** The other spelling given for the same argument. */
  other: string
}

/**
 * Rename aliases in `args` to their canonical names (a new object, order kept). A canonical name
 * given twice (`path` and `dest`) is a conflict, reported rather than silently choosing one.
 */
export function resolveAliases(schema: object, args: Record<string, unknown>): { args: Record<string, unknown>; conflict?: AliasConflict } {
  const map = aliasMap(schema)
  if (!Object.keys(args).some((k) => k in map)) return { args }
  const out: Record<string, unknown> = {}
  const spelledAs: Record<string, string> = {}
  for (const [k, v] of Object.entries(args)) {
    const canonical = map[k] ?? k
    if (canonical in out) return { args, conflict: { alias: k, canonical, other: spelledAs[canonical]! } }
    out[canonical] = v
    spelledAs[canonical] = k
  }
  return { args: out }
}
