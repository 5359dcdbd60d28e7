// include_vars: load variables from YAML/JSON files on the controller (one file, or a folder in
// Ansible's order) into the host's variables, with set_fact's precedence (the executor's record).
import { readdirSync, statSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { ArgError, TsplayError } from '../../errors.js'
import { renderValue } from '../../template/render.js'
import { loadVarsFile } from '../../playbook/vars-file.js'
import { defineModule } from '../module.js'
import { pyRegex } from '../../util/pyregex.js'

export interface IncludeVarsArgs {
  file?: string | unknown[] | null
  dir?: string
  name?: string
  depth: number
  files_matching?: string
  ignore_files: string[]
  extensions: string[]
  ignore_unknown_extensions: boolean
  hash_behaviour?: 'replace' | 'merge' | null
}

interface Loaded {
  files: string[]
  vars: Record<string, unknown>
  /** Why nothing could be loaded (Ansible reports it in `message`). */
  error?: string
}

export const includeVars = defineModule<IncludeVarsArgs, Loaded>({
  name: 'include_vars',
  description: 'Load variables from a YAML/JSON file or a folder of them on the controller, as Ansible does.',
  freeForm: 'file',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      // Not only a string: an empty first_found lookup gives [] and fails as "Could not find file", as in Ansible.
      file: { type: ['string', 'array', 'null'], description: "A vars file: the role's vars/ folder first, then the task's and the playbook's folder." },
      dir: { type: 'string', description: 'A folder of vars files, found like file; loaded in sorted path order, later files winning.' },
      name: { type: 'string', description: 'Put the loaded variables under this one variable instead of at the top level.' },
      depth: { type: 'integer', minimum: 0, default: 0, description: 'With dir: how deep to descend (0: no limit).' },
      files_matching: { type: 'string', description: 'With dir: only files whose name matches this regular expression.' },
      ignore_files: { type: 'array', items: { type: 'string' }, default: [], description: 'With dir: file names (regular expressions matched at the end) to skip.' },
      extensions: { type: 'array', items: { type: 'string' }, default: ['yaml', 'yml', 'json'], description: "With dir: file extensions to load ('' for none)." },
      ignore_unknown_extensions: { type: 'boolean', default: false, description: 'With dir: skip files with other extensions instead of failing.' },
      hash_behaviour: { enum: ['replace', 'merge', null], default: null, description: 'merge: mappings of later files are merged into earlier ones; replace (default): later ones win whole.' },
    },
  },
  example: ['- include_vars:', '    file: "{{ ansible_distribution }}.yml"', '', '- include_vars:', '    dir: vars/sites', '    name: sites'].join('\n'),

  async gather(args, ctx) {
    if (args.file !== undefined && args.dir !== undefined) throw new ArgError('dir', 'Give exactly one of file or dir.')
    if (args.dir === undefined && (typeof args.file !== 'string' || args.file.trim() === '')) {
      const error = `Could not find file: no file name given (${JSON.stringify(args.file ?? null)})`
      return { files: [], vars: {}, error }
    }
    const file = typeof args.file === 'string' ? args.file.trim() : undefined
    let files: string[]
    try {
      files = file !== undefined ? [ctx.findFile('vars', file)] : dirFiles(ctx.findFile('vars', args.dir!), args)
    } catch (e) {
      if (!(e instanceof TsplayError)) throw e
      return { files: [], vars: {}, error: e instanceof ArgError ? e.message : `Could not find file ${file ?? args.dir}: ${e.message}` }
    }
    const deep = args.hash_behaviour === 'merge'
    const vars: Record<string, unknown> = {}
    for (const f of files) merge(vars, loadVarsFile(f, ctx.taskPos), deep)
    // Values are templates, as in any vars file; they may use each other and the task's variables.
    // One that cannot be rendered yet stays as written.
    const scope = { ...ctx.vars, ...vars }
    for (const [k, v] of Object.entries(vars)) {
      try {
        vars[k] = renderValue(v, scope, ctx.taskPos)
      } catch (e) {
        if (!(e instanceof TsplayError)) throw e
      }
    }
    // merge also merges into the variable's current value, as Ansible's combine_vars does.
    if (deep && args.name === undefined) for (const [k, v] of Object.entries(vars)) if (isObject(ctx.vars[k]) && isObject(v)) vars[k] = merged(ctx.vars[k], v)
    return { files, vars }
  },

  plan(args, st) {
    if (st.error !== undefined) return { changes: [], failed: st.error, data: { message: st.error } }
    const facts = args.name !== undefined ? { [args.name]: st.vars } : st.vars
    return { changes: [], facts, data: { ansible_included_var_files: st.files }, reason: `loaded ${st.files.length} vars file(s)` }
  },
})

/** The files of a folder in Ansible's order: folders by path, files by name inside each. */
function dirFiles(root: string, args: IncludeVarsArgs): string[] {
  const dirs: string[] = []
  const walk = (d: string) => {
    dirs.push(d)
    for (const e of readdirSync(d)) if (statSync(join(d, e)).isDirectory()) walk(join(d, e))
  }
  walk(root)
  const matching = args.files_matching === undefined ? undefined : regex(args.files_matching, 'files_matching')
  const ignore = args.ignore_files.map((p) => regex(`${p}$`, 'ignore_files'))
  const out: string[] = []
  // Ansible's depth counts the folders visited in sorted order, not their nesting.
  for (const [i, d] of dirs.sort().entries()) {
    if (args.depth && i + 1 > args.depth) break
    for (const f of readdirSync(d).sort()) {
      const path = join(d, f)
      if (statSync(path).isDirectory()) continue
      if (ignore.some((re) => re.test(f))) continue
      if (matching && !matching.test(f)) continue
      if (!args.extensions.includes(extname(f).slice(1))) {
        if (args.ignore_unknown_extensions) continue
        throw new ArgError('extensions', `${basename(f)} does not have a valid extension: ${args.extensions.join(', ')}`)
      }
      out.push(path)
    }
  }
  return out
}

function regex(pattern: string, arg: string): RegExp {
  const re = pyRegex(pattern)
  if (!(re instanceof RegExp)) throw new ArgError(arg, re.error)
  return re
}

function merged(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a }
  merge(out, b, true)
  return out
}

function merge(into: Record<string, unknown>, from: Record<string, unknown>, deep: boolean): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k]
    into[k] = deep && isObject(cur) && isObject(v) ? merged(cur, v) : v
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
