// The one runner for module fixtures (pyinfra style): test/modules/<module>/<case>.json gives
// args + gathered state, and the plan must match `expect`. Adding a case is adding a JSON file.
//
// { "args": {...} (aliases allowed), "state": ..., "check"?: bool,
//   "expect": { "changes": [{ "kind": "exec", "cmd": "..." }], "reason"?, "failed"?, "msg"?,
//               "data"?, "facts"?, "diff"?, "report"?, "invalid"?: "schema message" } }
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { resolveAliases } from '../../src/modules/aliases.js'
import { getModule } from '../../src/modules/index.js'
import { ArgError } from '../../src/errors.js'
import type { Change, Module, Plan } from '../../src/modules/module.js'
import { check } from '../../src/schema/validate.js'

interface Fixture {
  args: Record<string, unknown>
  state?: unknown
  check?: boolean
  expect: {
    changes?: Array<Record<string, unknown>>
    reason?: string
    failed?: string
    msg?: string
    data?: Record<string, unknown>
    facts?: Record<string, unknown>
    diff?: unknown
    report?: unknown
    /** The paths the plan says it creates (--check remembers them for later tasks). */
    makes?: string[]
    /** The args must be rejected by the schema with this message. */
    invalid?: string
  }
}

/** Fields always compared (absent on both sides is equal); other keys only when expected. */
const ALWAYS = ['kind', 'cmd', 'path', 'content', 'mode', 'owner', 'group', 'describe'] as const

/** The source test/modules folder (fixtures are not copied by tsc), found from the repo root. */
function fixturesRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('package.json not found above the test file')
    dir = up
  }
  return join(dir, 'test', 'modules')
}

/** A change as plain data: functions dropped, Buffers as text. */
function comparable(c: Change, expected: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const src = c as unknown as Record<string, unknown>
  for (const k of new Set([...ALWAYS, ...Object.keys(expected)])) {
    const v = src[k]
    if (typeof v === 'function') continue
    if (v !== undefined) out[k] = Buffer.isBuffer(v) ? v.toString('utf8') : v
  }
  return out
}

/** plan() as the runner sees it: a bad arg value found by a helper (ArgError) fails the task. */
function planOf(mod: Module<any, any>, args: Record<string, unknown>, fx: Fixture): Plan {
  try {
    return mod.plan(args, fx.state, { host: 'fixture-host', check: fx.check ?? false, diff: true })
  } catch (e) {
    if (e instanceof ArgError) return { changes: [], failed: e.message }
    throw e
  }
}

const root = fixturesRoot()
for (const name of readdirSync(root).sort()) {
  const folder = join(root, name)
  if (!statSync(folder).isDirectory()) continue
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
    test(`${name}: ${file.replace(/\.json$/, '').replace(/[-_]/g, ' ')}`, () => {
      const fx = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Fixture
      const mod = getModule(name)
      assert.ok(mod, `no module named '${name}' for fixture folder ${folder}`)
      // Ansible's argument aliases resolve as the loader resolves them (lineinfile dest → path).
      const args = resolveAliases(mod.schema, structuredClone(fx.args)).args
      const problem = check(mod.schema, args)
      if (fx.expect.invalid !== undefined) {
        assert.equal(problem?.message, fx.expect.invalid)
        return
      }
      assert.equal(problem, undefined, `args rejected by the schema: ${problem?.message}`)
      const plan = planOf(mod, args, fx)
      // pyinfra's noop: a plan that changes nothing says why (debug's message is what it does).
      if (plan.changes.length === 0 && plan.failed === undefined && plan.msg === undefined) assert.ok(plan.reason, 'a plan with no changes must give a reason')
      const expected = fx.expect.changes ?? []
      assert.deepEqual(
        plan.changes.map((c, i) => comparable(c, expected[i] ?? {})),
        expected,
      )
      for (const key of ['reason', 'failed', 'msg', 'data', 'facts', 'diff', 'report', 'makes'] as const) {
        // null in JSON means "absent from the plan".
        if (key in fx.expect) assert.deepEqual(plan[key] ?? null, fx.expect[key] ?? null, `plan.${key}`)
      }
    })
  }
}
