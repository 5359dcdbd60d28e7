// JSON-schema validation for playbooks, inventories, role argument specs and module args.
// The only import of ajv. Errors come back as plain sentences naming the offending path.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'

const ajv = new Ajv({ allErrors: false, useDefaults: true, strict: false, coerceTypes: false })
// Role arguments convert like Ansible's argument specs: `-e port=1143` is the int 1143.
const ajvCoerce = new Ajv({ allErrors: false, useDefaults: true, strict: false, coerceTypes: true })
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
    v = (coerce ? ajvCoerce : ajv).compile(schema)
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
