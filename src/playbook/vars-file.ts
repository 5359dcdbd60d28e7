// A YAML file of variables (vars_files, `-e @file`, role defaults/ and vars/): must be a mapping.
import { resolve } from 'node:path'
import type { SourcePos } from '../errors.js'
import { readSource } from '../yaml/source.js'
import { errorAt, isMapping } from './at.js'
import type { Vars } from './types.js'

/** Read `file` (resolved to absolute); an empty file is no vars. A missing file errs at `from`. */
export function loadVarsFile(file: string, from?: SourcePos): Vars {
  const src = readSource(resolve(file), from, 'vars file')
  if (src.value === null || src.value === undefined) return {}
  if (!isMapping(src.value)) {
    throw errorAt(src, [], 'a vars file must be a mapping of names to values', 'Write "name: value" lines at the top level, not a list.')
  }
  return src.value
}
