// Ctrl-C on a real run: no new task starts, running commands get a grace period, rescue/always
// still run (a cutover's rollback), the recap prints and the exit code is 99.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { writeTree } from './helpers/run-playbook.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = join(root, 'dist', 'src', 'cli.js')

/** Send `signal` `afterMs` after the first TASK line shows (so the run, not start-up, gets it). */
function runUntilSignal(args: string[], signal: NodeJS.Signals, afterMs: number): Promise<{ code: number | null; out: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, CI: 'true', NO_COLOR: '1', TSPLAY_GRACE_SECONDS: '1' } })
    let out = ''
    let armed = false
    const watch = (d: Buffer) => {
      out += d
      if (!armed && out.includes('TASK [')) {
        armed = true
        setTimeout(() => child.kill(signal), afterMs)
      }
    }
    child.stdout.on('data', watch)
    child.stderr.on('data', watch)
    child.on('close', (code) => resolve({ code, out, ms: Date.now() - started }))
  })
}

test('SIGINT during a block stops new tasks, runs rescue and always, prints the recap, exits 99', async () => {
  const dir = writeTree({
    'pb.yml': `- hosts: localhost
  gather_facts: false
  tasks:
    - block:
        - shell: sleep 30
        - shell: touch {{ dir }}/after-sleep
      rescue:
        - shell: touch {{ dir }}/rolled-back
      always:
        - shell: touch {{ dir }}/always
    - shell: touch {{ dir }}/next-task
`,
  })
  const r = await runUntilSignal([join(dir, 'pb.yml'), '-e', `dir=${dir}`], 'SIGINT', 1000)
  assert.equal(r.code, 99, r.out)
  assert.ok(r.ms < 15000, `took ${r.ms} ms`)
  assert.ok(existsSync(join(dir, 'rolled-back')), 'rescue ran')
  assert.ok(existsSync(join(dir, 'always')), 'always ran')
  assert.ok(!existsSync(join(dir, 'after-sleep')), 'no new task in the block')
  assert.ok(!existsSync(join(dir, 'next-task')), 'no task after the block')
  assert.match(r.out, /PLAY RECAP/)
})

test('SIGTERM between tasks ends the run with 99 and starts nothing new', async () => {
  const dir = writeTree({ 'pb.yml': `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - shell: sleep 3\n    - shell: touch {{ dir }}/second\n` })
  const r = await runUntilSignal([join(dir, 'pb.yml'), '-e', `dir=${dir}`], 'SIGTERM', 500)
  assert.equal(r.code, 99, r.out)
  assert.ok(!existsSync(join(dir, 'second')))
  assert.match(r.out, /PLAY RECAP/)
})
