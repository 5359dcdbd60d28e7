// The import rules CI keeps: no import cycles between our own files, and each outside library
// loaded by one file of src/ (its wrapper), so replacing or upgrading one touches one file.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { projectRoot } from '../../src/lab/config.js'

const root = projectRoot()

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return tsFiles(p)
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : []
  })
}

interface Imports {
  /** Loaded when the file is loaded (static, not type-only). */
  static: string[]
  /** Loaded on first use: import('x'), require('x'). */
  lazy: string[]
}

/** What a file imports at run time; `import type` and `export type` vanish at build. */
export function importsOf(text: string): Imports {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  const stat: string[] = []
  for (const m of code.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) if (!m[1]) stat.push(m[2]!)
  const lazy = [...code.matchAll(/(?:\bimport|\brequire|createRequire\([^)]*\))\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!)
  return { static: stat, lazy }
}

/** An outside package's name: 'ajv/package.json' → 'ajv', '@scope/x/y' → '@scope/x'. */
function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('node:') || spec.startsWith('/')) return undefined
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

const sources = tsFiles(join(root, 'src'))
const imports = new Map(sources.map((f) => [f, importsOf(readFileSync(f, 'utf8'))]))

test('no two files of src/ import each other, directly or through others', () => {
  const edges = new Map<string, string[]>()
  for (const [file, imp] of imports) {
    const local = imp.static.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts')))
    edges.set(file, local.filter((f) => imports.has(f)))
  }
  const state = new Map<string, 'open' | 'done'>()
  const cycles: string[] = []
  const visit = (f: string, stack: string[]): void => {
    if (state.get(f) === 'done') return
    if (state.get(f) === 'open') {
      cycles.push([...stack.slice(stack.indexOf(f)), f].map((p) => relative(root, p)).join(' → '))
      return
    }
    state.set(f, 'open')
    for (const to of edges.get(f) ?? []) visit(to, [...stack, f])
    state.set(f, 'done')
  }
  for (const f of sources) visit(f, [])
  assert.deepEqual(cycles, [], 'import cycles')
})

test('each outside library is loaded by exactly one file of src/', () => {
  const users = new Map<string, Set<string>>()
  for (const [file, imp] of imports) {
    for (const spec of [...imp.static, ...imp.lazy]) {
      const pkg = packageOf(spec)
      if (pkg) users.set(pkg, (users.get(pkg) ?? new Set()).add(relative(root, file)))
    }
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
  for (const dep of Object.keys(pkg.dependencies)) assert.ok(users.has(dep), `${dep} is a dependency that src/ never loads`)
  const shared = [...users].filter(([, files]) => files.size > 1).map(([p, files]) => `${p}: ${[...files].sort().join(', ')}`)
  assert.deepEqual(shared, [], 'libraries loaded by more than one file')
  for (const p of users.keys()) assert.ok(p in pkg.dependencies, `${p} is loaded by src/ but not a dependency in package.json`)
})

test('the import reader sees static, lazy and re-exported imports, and skips type-only ones', () => {
  const r = importsOf(`import a from 'x'\nimport type { B } from 'y'\nexport { c } from './c.js'\nexport type { D } from 'z'\nimport {\n  e,\n} from 'w'\nconst f = await import('v')\nconst h = createRequire(import.meta.url)('t')\n// import g from 'u'\n`)
  assert.deepEqual(r, { static: ['x', './c.js', 'w'], lazy: ['v', 't'] })
})
