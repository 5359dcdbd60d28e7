// -e / --extra-vars: `k=v k2=v2`, `@file.yml`, or inline JSON/YAML `{"k": 1}`.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { OptionsError, ParseError } from '../errors.js'
import { loadVarsFile } from '../playbook/load.js'
import type { Vars } from '../playbook/types.js'
import { parseSource } from '../yaml/source.js'

/** Split `a=1 b='two words'` into pairs, honouring simple quotes. */
function keyValues(text: string): Vars {
  const out: Vars = {}
  const re = /([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/y
  let i = 0
  while (i < text.length) {
    while (text[i] === ' ') i++
    if (i >= text.length) break
    re.lastIndex = i
    const m = re.exec(text)
    if (!m) throw new OptionsError(`cannot read extra vars '${text}'`, { hint: "Use -e key=value, -e @vars.yml or -e '{\"key\": \"value\"}'." })
    const v = m[2]!
    out[m[1]!] = v.startsWith('"') ? JSON.parse(v) : v.startsWith("'") ? v.slice(1, -1) : v
    i = re.lastIndex
  }
  return out
}

/** Inline JSON/YAML; a syntax error is a bad option, pointing into the text. */
function inlineValue(text: string): unknown {
  try {
    return parseSource('<extra vars>', text).value
  } catch (e) {
    if (!(e instanceof ParseError)) throw e
    const col = e.pos?.col ?? 1
    throw new OptionsError(`-e '${text}': ${e.message} at column ${col}`, { hint: `${e.hint ?? ''} Write JSON, e.g. -e '{"key": "value"}'.`.trim() })
  }
}

export function parseExtraVars(values: readonly string[]): Vars {
  const out: Vars = {}
  for (const raw of values) {
    const text = raw.trim()
    let vars: Vars
    if (text.startsWith('@')) {
      const file = resolve(text.slice(1))
      // A file that is not there is a bad option; a file with bad content is a vars file error.
      if (!existsSync(file)) throw new OptionsError(`-e ${text}: ${file} does not exist`, { hint: 'Give -e @FILE a YAML or JSON vars file; relative paths are resolved from the current folder.' })
      vars = loadVarsFile(file)
    } else if (text.startsWith('{')) {
      const v = inlineValue(text)
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new OptionsError(`extra vars '${text}' must be a mapping`, { hint: 'Write -e \'{"key": "value"}\' or -e key=value.' })
      vars = v as Vars
    } else vars = keyValues(text)
    Object.assign(out, vars)
  }
  return out
}
