// The one skip policy: a test whose need is missing skips on a developer's machine and fails
// under CI, so a CI machine without root, namespaces or sshd cannot go green.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const skipModule = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'skip.js')).href

function runWith(env: Record<string, string | undefined>): { status: number | null; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-skip-'))
  try {
    const file = join(dir, 'needs.test.mjs')
    writeFileSync(file, `import { test } from 'node:test'\nimport { unlessCi } from '${skipModule}'\ntest('needs a unicorn', { skip: unlessCi('no unicorn here') }, () => {})\n`)
    const { CI: _ci, NODE_TEST_CONTEXT: _ctx, ...rest } = process.env
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', env: { ...rest, ...env } })
    return { status: r.status, out: r.stdout + r.stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('outside CI a missing need skips the test with its reason', () => {
  const r = runWith({})
  assert.equal(r.status, 0, r.out)
  assert.match(r.out, /# SKIP no unicorn here/)
})

test('under CI a missing need fails the run', () => {
  const r = runWith({ CI: 'true' })
  assert.equal(r.status, 1, r.out)
  assert.match(r.out, /CI cannot skip: no unicorn here/)
})
