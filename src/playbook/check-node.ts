// Type checks of play/task/block keywords through the shared ajv wrapper, with the problem
// mapped back to the user's YAML node.
import { ParseError } from '../errors.js'
import { check } from '../schema/validate.js'
import { didYouMean } from '../util/suggest.js'
import { keyPosAt, posAt, type SourceFile } from '../yaml/source.js'
import type { Path } from './at.js'
import { EXPECTED } from './keywords.js'

/** Throw a ParseError at the first schema problem of `value` (the node at `path`). */
export function checkSchema(src: SourceFile, path: Path, schema: object, value: unknown, what: string): void {
  const problem = check(schema, value)
  if (!problem) return
  const at = [...path, ...problem.path]
  if (problem.unknownKey !== undefined) {
    const key = problem.unknownKey
    const known = Object.keys(propertiesAt(schema, problem.path))
    throw new ParseError(`${what}: unknown key '${key}'.${didYouMean(key, known)}`, {
      pos: keyPosAt(src, at, key),
      hint: `Known keys here: ${known.join(', ')}.`,
    })
  }
  const key = problem.path[0]
  const required = /^missing required key '(.+)'$/.exec(problem.message)?.[1]
  if (required !== undefined) {
    throw new ParseError(`${what}: ${problem.message}`, { pos: posAt(src, at), hint: `Add '${required}:' to this ${what}.` })
  }
  const expected = typeof key === 'string' && problem.path.length === 1 ? EXPECTED[key] : undefined
  throw new ParseError(`${what}: ${expected ? `'${key}' must be ${expected}` : problem.message}`, {
    pos: posAt(src, at),
    hint: key === undefined ? 'Fix this value.' : `Fix the value of '${key}'; it follows the Ansible keyword of the same name.`,
  })
}

/** The `properties` of the sub-schema that describes `path` (for did-you-mean candidates). */
function propertiesAt(schema: object, path: Path): Record<string, unknown> {
  let s = schema as { properties?: Record<string, object>; items?: object }
  for (const p of path) {
    const next = typeof p === 'number' ? s.items : s.properties?.[p]
    if (!next) return {}
    s = next as typeof s
  }
  return s.properties ?? {}
}
