// Ansible's lookup plugins as expression functions: lookup('file', p), query('items', l), and the
// with_X loops (with_dict is query('dict', ...)). They run on the controller, as in Ansible;
// relative paths are searched in the role's and the playbook's folders.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { posix } from 'node:path'
import { globMatcher } from '../inventory/glob.js'
import { openVaultFile } from '../vault/yaml.js'
import { getOwn, TemplateFault, undefinedPath } from './failures.js'
import { listFilters } from './list-filters.js'
import { subelementsLookup } from './subelements.js'
import { isMapping, toText, typeName } from './values.js'

type Vars = Record<string, unknown>
type Lookup = (terms: unknown[], kw: Record<string, unknown>, vars: Vars) => unknown[]

/** Folders a relative path is searched in, most specific first (Ansible's search path). */
function searchPath(vars: Vars, sub: string): string[] {
  const dirs: string[] = []
  for (const base of [getOwn(vars, 'role_path').value, getOwn(vars, 'playbook_dir').value]) {
    if (typeof base === 'string') dirs.push(posix.join(base, sub), base)
  }
  return dirs.length ? dirs : [process.cwd()]
}

function find(vars: Vars, sub: string, file: string): string | undefined {
  if (posix.isAbsolute(file)) return existsSync(file) ? file : undefined
  return searchPath(vars, sub)
    .map((d) => posix.join(d, file))
    .find((p) => existsSync(p))
}

function text(v: unknown, lookup: string): string {
  if (typeof v === 'string' || typeof v === 'number') return String(v)
  throw new TemplateFault(`lookup('${lookup}') expects a string term, got a ${typeName(v)}`)
}

function flatOnce(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t]))
}

/** `start=1 end=5 stride=1 format=x%02d` or the short `1-5/1:x%02d`. */
function sequence(term: string): string[] {
  const o: Record<string, string> = {}
  if (/=/.test(term)) {
    for (const m of term.matchAll(/(\w+)=(\S+)/g)) o[m[1]!] = m[2]!
    const unknown = Object.keys(o).filter((k) => !['start', 'end', 'count', 'stride', 'format'].includes(k))
    if (unknown.length) throw new TemplateFault(`unrecognized arguments to with_sequence: [${unknown.map((k) => `'${k}'`).join(', ')}]`, 'with_sequence takes start, end, count, stride and format.')
  } else {
    const m = /^(?:(-?\w+)-)?(-?\w+)(?:\/(-?\d+))?(?::(.*))?$/.exec(term.trim())
    if (!m) throw new TemplateFault(`lookup('sequence'): cannot read '${term}'`, 'Write start=1 end=5 or 1-5.')
    Object.assign(o, { start: m[1] ?? '1', end: m[2] }, m[3] ? { stride: m[3] } : {}, m[4] ? { format: m[4] } : {})
  }
  const num = (s: string | undefined, d: number): number => (s === undefined ? d : Number(s.startsWith('0x') ? parseInt(s, 16) : s))
  const start = num(o.start, 1)
  const stride = num(o.stride, 1)
  const end = o.count !== undefined ? start + (num(o.count, 0) - 1) * stride : num(o.end, start)
  const out: string[] = []
  if (stride === 0) return out
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    out.push(o.format ? o.format.replace(/%(0?\d*)([dxXos])/, (_m, w: string, c: string) => {
      const s = c === 'x' ? i.toString(16) : c === 'X' ? i.toString(16).toUpperCase() : c === 'o' ? i.toString(8) : String(i)
      return w.startsWith('0') ? s.padStart(Number(w), '0') : s.padStart(Number(w || 0), ' ')
    }) : String(i))
  }
  return out
}

function firstFound(terms: unknown[], kw: Record<string, unknown>, vars: Vars): unknown[] {
  const files: string[] = []
  const paths: string[] = []
  // As Ansible's: a text of files splits at , and ; and a text of paths at : too.
  const add = (into: string[], v: unknown, sep = /[,;]/): void => {
    for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && x !== null) into.push(...toText(x).split(sep).filter(Boolean))
  }
  let skip = kw.skip === true
  for (const t of flatOnce(terms)) {
    if (isMapping(t)) {
      add(files, t.files)
      add(paths, t.paths, /[,;:]/)
      if (t.skip === true) skip = true
    } else add(files, t)
  }
  add(files, kw.files)
  add(paths, kw.paths, /[,;:]/)
  for (const f of files) {
    const candidates = paths.length && !posix.isAbsolute(f) ? paths.map((p) => posix.join(p, f)) : [f]
    for (const c of candidates) {
      const hit = find(vars, 'files', c)
      if (hit) return [posix.resolve(hit)]
    }
  }
  if (skip) return []
  throw new TemplateFault(`lookup('first_found'): none of ${JSON.stringify(files)} exists`, 'Add skip: true to allow no match.')
}

function varsLookup(terms: unknown[], kw: Record<string, unknown>, vars: Vars): unknown[] {
  return terms.map((t) => {
    const r = getOwn(vars, text(t, 'vars'))
    if (r.found) return r.value
    if (Object.hasOwn(kw, 'default')) return kw.default
    throw undefinedPath([text(t, 'vars')], Object.keys(vars))
  })
}

function fileglob(terms: unknown[], _kw: Record<string, unknown>, vars: Vars): unknown[] {
  const out: string[] = []
  for (const t of terms) {
    const pattern = text(t, 'fileglob')
    const dir = posix.dirname(pattern)
    const base = find(vars, 'files', dir) ?? (posix.isAbsolute(dir) ? dir : undefined)
    if (!base) continue
    const match = globMatcher(posix.basename(pattern))
    for (const name of readdirSync(base).sort()) {
      const full = posix.resolve(base, name)
      if (match(name) && statSync(full).isFile()) out.push(full)
    }
  }
  return out
}

/** Runs the term as a shell command on the controller, as Ansible's `lines`/`pipe` do. */
function pipe(term: unknown): string {
  try {
    return execFileSync('/bin/sh', ['-c', text(term, 'pipe')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    throw new TemplateFault(`lookup: command '${toText(term)}' failed: ${(e as Error).message.split('\n')[0]}`)
  }
}

export const lookups: Record<string, Lookup> = {
  env: (terms, kw) => terms.map((t) => process.env[text(t, 'env')] ?? (Object.hasOwn(kw, 'default') ? kw.default : '')),
  file: (terms, kw, vars) =>
    terms.map((t) => {
      const p = find(vars, 'files', text(t, 'file'))
      if (!p) throw new TemplateFault(`lookup('file'): could not find '${toText(t)}'`, `Searched: ${searchPath(vars, 'files').join(', ')}.`)
      // A vault-encrypted file is decrypted with the run's password, as Ansible's file lookup does.
      const content = openVaultFile(p, readFileSync(p, 'utf8')).text
      const right = kw.rstrip === false ? content : content.trimEnd()
      return kw.lstrip === true ? right.trimStart() : right
    }),
  // The file's content, decrypted when it is a vault (tsplay's or Ansible's), nothing stripped.
  unvault: (terms, _kw, vars) =>
    terms.map((t) => {
      const p = find(vars, 'files', text(t, 'unvault'))
      if (!p) throw new TemplateFault(`lookup('unvault'): could not find '${toText(t)}'`, `Searched: ${searchPath(vars, 'files').join(', ')}.`)
      return openVaultFile(p, readFileSync(p, 'utf8')).text
    }),
  template: () => {
    throw new TemplateFault("lookup('template') is handled by functions.ts")
  },
  items: (terms) => flatOnce(terms),
  list: (terms) => terms,
  indexed_items: (terms) => flatOnce(terms).map((x, i) => [i, x]),
  together: (terms) => listFilters.zip_longest!(...terms) as unknown[],
  nested: (terms) => listFilters.product!(...terms) as unknown[],
  cartesian: (terms) => listFilters.product!(...terms) as unknown[],
  dict: (terms) =>
    terms.flatMap((t) => {
      if (!isMapping(t)) throw new TemplateFault(`with_dict expects a dict, got a ${typeName(t)}`, 'Use with_items for a list.')
      return Object.entries(t).map(([key, value]) => ({ key, value }))
    }),
  subelements: subelementsLookup,
  sequence: (terms) => terms.flatMap((t) => sequence(text(t, 'sequence'))),
  fileglob,
  first_found: firstFound,
  vars: varsLookup,
  lines: (terms) => terms.flatMap((t) => pipe(t).split('\n').filter((l, i, a) => i < a.length - 1 || l !== '')),
  pipe: (terms) => terms.map((t) => pipe(t).trimEnd()),
}
