// The functions an expression can call: Jinja's globals (range, dict) and Ansible's lookup(),
// query()/q(). lookup() joins a list of texts with commas, as Ansible does; query() returns the list.
import { readFileSync } from 'node:fs'
import { posix } from 'node:path'
import { getOwn, TemplateFault } from './failures.js'
import { lookups } from './lookups.js'
import { toText, truthy } from './values.js'

type Vars = Record<string, unknown>
type Fn = (vars: Vars, args: unknown[], kw: Record<string, unknown>) => unknown

// lookup('template') renders a file, but render.ts loads this file (render → expr-eval →
// functions), so render.ts hands its renderer in when it loads instead of an import cycle.
type Renderer = (text: string, vars: Vars, file: string) => string
let renderFile: Renderer | undefined
export function useTemplateRenderer(r: Renderer): void {
  renderFile = r
}

function run(vars: Vars, args: unknown[], kw: Record<string, unknown>): unknown[] {
  const [name, ...terms] = args
  if (name === 'template') return terms.map((t) => template(vars, toText(t)))
  const lookup = typeof name === 'string' && Object.hasOwn(lookups, name) ? lookups[name]! : undefined
  if (!lookup) {
    throw new TemplateFault(`unknown lookup '${toText(name)}'`, `Lookups: ${Object.keys(lookups).join(', ')}.`)
  }
  return lookup(terms, kw, vars)
}

function template(vars: Vars, file: string): string {
  const dirs = [getOwn(vars, 'role_path').value, getOwn(vars, 'playbook_dir').value].filter((d): d is string => typeof d === 'string')
  const candidates = posix.isAbsolute(file) ? [file] : dirs.flatMap((d) => [posix.join(d, 'templates', file), posix.join(d, file)])
  for (const c of candidates) {
    let text: string
    try {
      text = readFileSync(c, 'utf8')
    } catch {
      continue
    }
    return renderFile!(text, vars, c)
  }
  throw new TemplateFault(`lookup('template'): could not find '${file}'`)
}

function lookup(vars: Vars, args: unknown[], kw: Record<string, unknown>): unknown {
  const { wantlist, errors, ...rest } = kw
  let out: unknown[]
  try {
    out = run(vars, args, rest)
  } catch (e) {
    // Ansible gives None, which its (non-native) templating turns into '' in a value.
    if (errors === 'ignore' || errors === 'warn') return truthy(wantlist) ? [] : ''
    throw e
  }
  if (truthy(wantlist)) return out
  if (out.every((x) => typeof x === 'string')) return out.join(',')
  return out.length === 1 ? out[0] : out
}

function query(vars: Vars, args: unknown[], kw: Record<string, unknown>): unknown[] {
  const { errors, wantlist: _w, ...rest } = kw
  try {
    return run(vars, args, rest)
  } catch (e) {
    if (errors === 'ignore' || errors === 'warn') return []
    throw e
  }
}

function range(_vars: Vars, args: unknown[]): number[] {
  const n = args.map(Number)
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1]
  if (step === 0) throw new TemplateFault('range() step cannot be zero')
  const out: number[] = []
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i)
  return out
}

/** Python's strftime for the codes playbooks use. */
function strftime(d: Date, fmt: string, utc: boolean): string {
  const g = (local: () => number, u: () => number): number => (utc ? u() : local())
  const p2 = (n: number): string => String(n).padStart(2, '0')
  const codes: Record<string, () => string> = {
    Y: () => String(g(() => d.getFullYear(), () => d.getUTCFullYear())),
    m: () => p2(g(() => d.getMonth(), () => d.getUTCMonth()) + 1),
    d: () => p2(g(() => d.getDate(), () => d.getUTCDate())),
    H: () => p2(g(() => d.getHours(), () => d.getUTCHours())),
    M: () => p2(g(() => d.getMinutes(), () => d.getUTCMinutes())),
    S: () => p2(g(() => d.getSeconds(), () => d.getUTCSeconds())),
    f: () => String(d.getMilliseconds() * 1000).padStart(6, '0'),
    s: () => String(Math.floor(d.getTime() / 1000)),
    '%': () => '%',
  }
  return fmt.replace(/%(.)/g, (m, c: string) => (Object.hasOwn(codes, c) ? codes[c]!() : m))
}

export const functions: Record<string, Fn> = {
  now: (_vars, args, kw) => {
    const utc = truthy(kw.utc ?? args[0])
    const fmt = kw.fmt ?? args[1]
    const d = new Date()
    return typeof fmt === 'string' ? strftime(d, fmt, utc) : strftime(d, '%Y-%m-%d %H:%M:%S.%f', utc)
  },
  lookup,
  query,
  q: query,
  range,
  dict: (_vars, args, kw) => ({ ...Object.fromEntries((args[0] as Array<[string, unknown]> | undefined) ?? []), ...kw }),
}

/** query(name, *terms) for with_X loops: the executor's way into the lookups. */
export function queryLookup(name: string, terms: unknown[], vars: Vars): unknown[] {
  return run(vars, [name, ...terms], {})
}
