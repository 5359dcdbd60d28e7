// meta/argument_specs.yml (Ansible's format, entry point `main`) → a JSON schema the executor
// checks the role's vars against. Only declared options are checked: a role also sees every
// other variable of the play, so unknown top-level keys are fine.
import { ParseError, type SourcePos } from '../errors.js'
import { didYouMean } from '../util/suggest.js'
import { keyPosAt, posAt, readSource, type SourceFile } from '../yaml/source.js'
import { errorAt, errorAtKey, isMapping, type Path } from './at.js'

const TYPES: Record<string, object> = {
  str: { type: 'string' },
  path: { type: 'string' },
  int: { type: 'integer' },
  float: { type: 'number' },
  bool: { type: 'boolean' },
  list: { type: 'array' },
  dict: { type: 'object' },
  raw: {},
}
const OPTION_KEYS = ['type', 'required', 'default', 'choices', 'elements', 'options', 'description', 'aliases', 'no_log', 'version_added']

export interface ArgumentSpec {
  schema: object
  file: string
  pos: SourcePos
}

/** Read the spec file; undefined when it has no `main` entry point. */
export function loadArgumentSpec(file: string): ArgumentSpec | undefined {
  const src = readSource(file, undefined, 'argument spec')
  const root = src.value
  if (!isMapping(root) || !isMapping(root.argument_specs)) {
    throw errorAt(src, [], "argument spec file has no 'argument_specs' mapping", 'Start the file with "argument_specs:\\n  main:\\n    options: ...".')
  }
  const main = root.argument_specs.main
  if (main === undefined) return undefined
  const path = ['argument_specs', 'main']
  if (!isMapping(main)) throw errorAt(src, path, "entry point 'main' must be a mapping", 'Give it an options: mapping.')
  const options = main.options ?? {}
  if (!isMapping(options)) throw errorAt(src, [...path, 'options'], "'options' must be a mapping", 'Map each option name to its spec.')
  return { schema: objectSchema(src, [...path, 'options'], options, false), file, pos: keyPosAt(src, ['argument_specs'], 'main') }
}

function objectSchema(src: SourceFile, path: Path, options: Record<string, unknown>, closed: boolean): object {
  const properties: Record<string, object> = {}
  const required: string[] = []
  for (const [name, spec] of Object.entries(options)) {
    const at = [...path, name]
    if (spec === null) {
      properties[name] = TYPES.str!
      continue
    }
    if (!isMapping(spec)) throw errorAt(src, at, `option '${name}' must be a mapping`, 'Give it at least a type: (str, int, bool, list, dict...).')
    properties[name] = optionSchema(src, at, name, spec)
    if (spec.required === true) required.push(name)
  }
  // Nested dict options are closed, as Ansible rejects unknown sub-keys; the top level is open.
  return { type: 'object', properties, ...(required.length ? { required } : {}), ...(closed ? { additionalProperties: false } : {}) }
}

function optionSchema(src: SourceFile, path: Path, name: string, spec: Record<string, unknown>): object {
  for (const key of Object.keys(spec)) {
    if (!OPTION_KEYS.includes(key)) {
      throw errorAtKey(src, path, key, `unknown key '${key}' in option '${name}'.${didYouMean(key, OPTION_KEYS)}`, `Option keys are: ${OPTION_KEYS.join(', ')}.`)
    }
  }
  const s: Record<string, unknown> = { ...typeSchema(src, [...path, 'type'], spec.type ?? 'str') }
  if (typeof spec.description === 'string') s.description = spec.description
  else if (Array.isArray(spec.description)) s.description = spec.description.join(' ')
  if (spec.default !== undefined) s.default = spec.default
  if (spec.choices !== undefined) {
    if (!Array.isArray(spec.choices)) throw errorAt(src, [...path, 'choices'], `'choices' of '${name}' must be a list`, 'List the allowed values.')
    s.enum = spec.choices
  }
  if (spec.elements !== undefined) {
    if (spec.type !== 'list') throw errorAt(src, [...path, 'elements'], `'elements' needs type: list (option '${name}')`, 'Set type: list or remove elements.')
    s.items = spec.options !== undefined ? nested(src, path, name, spec.options) : typeSchema(src, [...path, 'elements'], spec.elements)
  } else if (spec.options !== undefined) {
    if (spec.type !== 'dict') throw errorAt(src, [...path, 'options'], `'options' needs type: dict or list (option '${name}')`, 'Set type: dict for a nested mapping.')
    Object.assign(s, nested(src, path, name, spec.options))
  }
  return s
}

function nested(src: SourceFile, path: Path, name: string, options: unknown): object {
  if (!isMapping(options)) throw errorAt(src, [...path, 'options'], `'options' of '${name}' must be a mapping`, 'Map each sub-option name to its spec.')
  return objectSchema(src, [...path, 'options'], options, true)
}

function typeSchema(src: SourceFile, path: Path, type: unknown): object {
  const s = typeof type === 'string' ? TYPES[type] : undefined
  if (!s) {
    const t = String(type)
    throw new ParseError(`unknown argument type '${t}'.${didYouMean(t, Object.keys(TYPES))}`, {
      pos: posAt(src, path),
      hint: `tsplay knows the types: ${Object.keys(TYPES).join(', ')}.`,
    })
  }
  return s
}
