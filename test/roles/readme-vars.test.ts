// A role's variables are described in meta/argument_specs.yml (checked at run time), set in
// defaults/main.yml and listed in the README's table: the three must name the same variables,
// so the README cannot drift from what the role takes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../../src/lab/config.js'
import { readSource } from '../../src/yaml/source.js'

const rolesDir = join(projectRoot(), 'roles')

/** Variables named in the first column of the README's tables (`a`, `b` or `a`/`_b` forms). */
function readmeVars(text: string, prefix: string): Set<string> {
  const out = new Set<string>()
  for (const line of text.split('\n')) {
    if (!line.startsWith('|') || /^\|\s*-/.test(line)) continue
    const first = line.split('|')[1] ?? ''
    for (const m of first.matchAll(/`([A-Za-z_][\w]*)`/g)) if (m[1]!.startsWith(prefix)) out.add(m[1]!)
  }
  return out
}

const sorted = (s: Iterable<string>) => [...s].sort()

for (const role of readdirSync(rolesDir).sort()) {
  const dir = join(rolesDir, role)
  const specFile = join(dir, 'meta', 'argument_specs.yml')
  if (!existsSync(specFile)) continue
  test(`role ${role}: README, defaults and argument_specs name the same variables`, () => {
    const spec = readSource(specFile).value as { argument_specs: { main: { options?: Record<string, unknown> } } }
    const options = Object.keys(spec.argument_specs.main.options ?? {})
    const prefix = `${role.replace(/-/g, '_')}_`
    const readme = readmeVars(readFileSync(join(dir, 'README.md'), 'utf8'), prefix)
    assert.deepEqual(sorted(readme), sorted(options.filter((o) => o.startsWith(prefix))), `README.md table vs argument_specs.yml of ${role}`)
    const defaultsFile = join(dir, 'defaults', 'main.yml')
    const defaults = existsSync(defaultsFile) ? Object.keys((readSource(defaultsFile).value as Record<string, unknown> | null) ?? {}) : []
    assert.deepEqual(defaults.filter((d) => !options.includes(d)), [], `defaults/main.yml of ${role} sets variables argument_specs.yml does not describe`)
  })
}
