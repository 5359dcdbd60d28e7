// Every module's schema is its only documentation (`tsplay doc`), so every module must describe
// each argument and show an example task that is valid. The file modules, which mirror Ansible's
// closely, also state the default of each optional argument (null when there is none).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileModules } from '../../src/modules/files/index.js'
import { getModule, moduleNames } from '../../src/modules/index.js'
import { check } from '../../src/schema/validate.js'
import { parseSource } from '../../src/yaml/source.js'

interface Prop {
  description?: string
  default?: unknown
}

for (const name of moduleNames()) {
  test(`${name} documents each argument and gives a valid example`, () => {
    const m = getModule(name)!
    assert.ok(m.description, `${name} has a one-line description`)
    const schema = m.schema as { required?: string[]; additionalProperties?: boolean; properties?: Record<string, Prop> }
    // set_fact's args are the facts' names and add_host's extra keys are the host's vars (as in
    // Ansible); every other module rejects a misspelt arg.
    if (name !== 'set_fact' && name !== 'add_host') assert.equal(schema.additionalProperties, false, `${name}: unknown args are rejected`)
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      assert.ok(prop.description, `${name}.${key} has a description`)
      if (fileModules.includes(m) && !schema.required?.includes(key)) assert.ok('default' in prop, `${name}.${key} has a default`)
    }
    assert.ok(m.example, `${name} has an example task`)
    const tasks = parseSource(`${name} example`, m.example).value as Array<Record<string, unknown>>
    const task = tasks[0] ?? {}
    const key = Object.keys(task).find((k) => getModule(k)?.name === name)
    assert.ok(key, `${name}: the example is a task using it`)
    const raw = task[key]
    const args = typeof raw === 'string' && m.freeForm ? { [m.freeForm]: raw } : structuredClone(raw ?? {})
    const problem = check(m.schema, args)
    // A templated value is checked once rendered, at run time.
    const value = problem?.path.length ? (args as Record<string, unknown>)[String(problem.path[0])] : undefined
    if (!(typeof value === 'string' && value.includes('{{'))) assert.equal(problem?.message, undefined, `${name}: the example's args are valid`)
  })
}
