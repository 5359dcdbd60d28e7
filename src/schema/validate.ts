// JSON-schema validation for playbooks, inventories, role argument specs and module args.
// The only import of ajv. Errors come back as plain sentences naming the offending path.
import { createRequire } from 'node:module'
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv'

/** The options of every validator, precompiled or not (scripts/precompile-schemas.mjs reads them). */
export const AJV_OPTIONS = { allErrors: false, useDefaults: true, strict: false, coerceTypes: false } as const

const require = createRequire(import.meta.url)

/** What identifies a schema across processes: its JSON text. */
export function schemaKey(schema: object): string {
  return JSON.stringify(schema)
}

// Our own static schemas (play, task, block, inventory, built-in modules) are compiled at build
// time into ajv's standalone code (scripts/precompile-schemas.mjs), so a run neither loads nor
// compiles ajv (~90 ms of start-up). It is only used when it came from the ajv installed now;
// a schema it does not hold (role argument specs, a schema changed since the build, a test's
// fake module) or a build without it compiles at run time, with the same options.
interface PrecompiledIndex {
  ajvVersion: string
  /** Schema JSON text → file name in ./precompiled/. */
  keys: Record<string, string>
}
let precompiled: PrecompiledIndex | null | undefined
function precompiledFor(schema: object): ValidateFunction | undefined {
  if (precompiled === undefined) {
    try {
      const p = require('./precompiled/index.cjs') as PrecompiledIndex
      precompiled = p.ajvVersion === (require('ajv/package.json') as { version: string }).version ? p : null
    } catch {
      precompiled = null
    }
  }
  const file = precompiled?.keys[schemaKey(schema)]
  if (file === undefined) return undefined
  try {
    return require(`./precompiled/${file}`) as ValidateFunction
  } catch {
    return undefined
  }
}

// Loaded only for a schema that was not precompiled. CommonJS, so a synchronous require keeps
// validation synchronous.
let ajv: AjvClass | undefined
// Role arguments convert like Ansible's argument specs: `-e port=1143` is the int 1143.
let ajvCoerce: AjvClass | undefined
function compiler(coerce: boolean): AjvClass {
  const { Ajv } = require('ajv') as typeof import('ajv')
  if (coerce) return (ajvCoerce ??= new Ajv({ ...AJV_OPTIONS, coerceTypes: true }))
  return (ajv ??= new Ajv({ ...AJV_OPTIONS }))
}

const cache = new WeakMap<object, ValidateFunction>()
const coerceCache = new WeakMap<object, ValidateFunction>()

export interface SchemaProblem {
  /** Path of keys/indexes into the validated value where the problem is. */
  path: Array<string | number>
  /** One sentence: "'mode' must be string", "unknown key 'lopp'". */
  message: string
  /** For unknown keys: the key. */
  unknownKey?: string
}

function compiled(schema: object, coerce: boolean): ValidateFunction {
  const c = coerce ? coerceCache : cache
  let v = c.get(schema)
  if (!v) {
    v = (coerce ? undefined : precompiledFor(schema)) ?? compiler(coerce).compile(schema)
    c.set(schema, v)
  }
  return v
}

/** Validate (and fill defaults into) `value`; returns the first problem or undefined.
 * With `coerce`, strings like "1143" or "yes" become the declared type in place. */
export function check(schema: object, value: unknown, opts: { coerce?: boolean } = {}): SchemaProblem | undefined {
  const v = compiled(schema, opts.coerce ?? false)
  if (v(value)) return undefined
  const errors = v.errors ?? []
  // Prefer the most specific error: unknown keys and type errors over "must match oneOf".
  const best = errors.find((e) => e.keyword === 'additionalProperties') ?? errors.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf') ?? errors[0]
  return best ? describe(best) : { path: [], message: 'is invalid' }
}

function describe(e: ErrorObject): SchemaProblem {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p))
  const where = path.length ? `'${path[path.length - 1]}'` : 'value'
  const p = e.params as Record<string, unknown>
  switch (e.keyword) {
    case 'additionalProperties':
      return { path, message: `unknown key '${String(p.additionalProperty)}'`, unknownKey: String(p.additionalProperty) }
    case 'required':
      return { path, message: `missing required key '${String(p.missingProperty)}'` }
    case 'type':
      return { path, message: `${where} must be ${String(p.type).replace(',', ' or ')}` }
    case 'enum':
      return { path, message: `${where} must be one of: ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(', ')}` }
    default:
      return { path, message: `${where} ${e.message ?? 'is invalid'}` }
  }
}
