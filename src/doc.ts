// `tsplay doc`: a module's documentation, read only from its JSON schema (never written twice).
import type { Module } from './modules/module.js'

interface PropSchema {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  description?: string
  default?: unknown
  items?: PropSchema
  anyOf?: PropSchema[]
  oneOf?: PropSchema[]
  nullable?: boolean
  aliases?: string[]
}

interface ObjectSchema {
  properties?: Record<string, PropSchema>
  required?: string[]
}

export interface ArgDoc {
  name: string
  type: string
  required: boolean
  default?: string
  description: string
  /** Other names Ansible accepts for it (lineinfile `dest` for `path`). */
  aliases: string[]
}

/** The arguments as `tsplay doc` lists them: required first, then by name. */
export function moduleArgs(mod: Module): ArgDoc[] {
  const schema = mod.schema as ObjectSchema
  const required = new Set(schema.required ?? [])
  return Object.entries(schema.properties ?? {})
    .map(([name, p]) => ({
      name,
      type: typeOf(p),
      required: required.has(name),
      default: p.default === undefined ? undefined : JSON.stringify(p.default),
      description: p.description ?? '',
      aliases: p.aliases ?? [],
    }))
    .sort((a, b) => Number(b.required) - Number(a.required) || a.name.localeCompare(b.name))
}

export function formatModuleDoc(mod: Module): string {
  const args = moduleArgs(mod)
  const out = [`> ${mod.name.toUpperCase()}`, '', `  ${mod.description}`, '']
  if (mod.freeForm) out.push(`  Takes free-form text as \`${mod.freeForm}\` (${mod.name}: <text>).`, '')
  if (mod.checkMode === 'skip') out.push('  In --check mode the task is skipped when it would change something.', '')
  else if (typeof mod.checkMode === 'function') out.push('  In --check mode the task is skipped, unless creates/removes let it predict that it would run.', '')
  out.push('ARGUMENTS:', '')
  if (args.length === 0) out.push('  (none)', '')
  for (const a of args) {
    // Ansible's `- name` list with `= required` / `- optional` marks reads well in a terminal
    // and, unlike a table, survives long descriptions.
    out.push(`${a.required ? '=' : '-'} ${a.name}`)
    if (a.description) out.push(...wrap(a.description, 74).map((l) => `    ${l}`))
    const facts = [`type: ${a.type}`, a.required ? 'required' : 'optional']
    if (a.default !== undefined) facts.push(`default: ${a.default}`)
    if (a.aliases.length) facts.push(`aliases: ${a.aliases.join(', ')}`)
    out.push(`    (${facts.join('; ')})`, '')
  }
  if (mod.example) {
    out.push('EXAMPLE:', '', ...mod.example.replace(/\n+$/, '').split('\n').map((l) => (l ? `  ${l}` : l)), '')
  }
  return out.join('\n')
}

/** `tsplay doc` with no name: one module a line, names aligned. */
export function formatModuleList(mods: Module[]): string {
  const sorted = [...mods].sort((a, b) => a.name.localeCompare(b.name))
  const width = Math.max(0, ...sorted.map((m) => m.name.length))
  return sorted.map((m) => `${m.name.padEnd(width)}  ${m.description}`).join('\n') + (sorted.length ? '\n' : '')
}

function typeOf(p: PropSchema): string {
  if (p.enum) return `one of ${p.enum.map((v) => JSON.stringify(v)).join(', ')}`
  if (p.const !== undefined) return JSON.stringify(p.const)
  const alts = p.anyOf ?? p.oneOf
  if (alts) return [...new Set(alts.map(typeOf))].join(' or ')
  const types = Array.isArray(p.type) ? p.type : p.type ? [p.type] : []
  const named = types.map((t) => (t === 'array' && p.items ? `list of ${typeOf(p.items)}` : t))
  if (p.nullable) named.push('null')
  return named.length ? named.join(' or ') : 'any'
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  if (line) lines.push(line)
  return lines
}
