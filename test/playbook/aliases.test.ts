// Ansible's argument aliases (lineinfile dest= for path) resolve at load from the schema's
// `aliases`, in mappings, args: and key=value text alike; two spellings of one argument fail.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { formatModuleDoc } from '../../src/doc.js'
import { ParseError } from '../../src/errors.js'
import { getModule } from '../../src/modules/index.js'
import { loadPlaybook } from '../../src/playbook/load.js'
import type { Task } from '../../src/playbook/types.js'

const dir = mkdtempSync(join(tmpdir(), 'tsplay-aliases-'))
after(() => rmSync(dir, { recursive: true, force: true }))
function tasksOf(yaml: string): Task[] {
  const file = join(dir, `p${Math.random().toString(36).slice(2)}.yml`)
  writeFileSync(file, `- hosts: all\n  tasks:\n${yaml}`)
  return loadPlaybook(file).plays[0]!.tasks as Task[]
}

test('lineinfile dest, regex and value become path, regexp and line', () => {
  const [t] = tasksOf("    - lineinfile:\n        dest: /etc/x\n        regex: '^a'\n        value: a=1\n")
  assert.deepEqual(t!.args, { path: '/etc/x', regexp: '^a', line: 'a=1' })
})

test('blockinfile content and destfile in key=value text become block and path', () => {
  const [t] = tasksOf('    - blockinfile: destfile=/etc/y content="a b"\n')
  assert.deepEqual(t!.args, { path: '/etc/y', block: 'a b' })
})

test('an alias in args: resolves like one in the module mapping', () => {
  const [t] = tasksOf('    - file:\n        state: touch\n      args:\n        name: /tmp/z\n')
  assert.deepEqual(t!.args, { path: '/tmp/z', state: 'touch' })
})

test('an argument given under its name and an alias fails at the alias', () => {
  assert.throws(
    () => tasksOf('    - file:\n        path: /a\n        dest: /b\n'),
    (e: unknown) => e instanceof ParseError && e.pos?.line === 5 && /'dest' and 'path' are the same argument \('path'\) of module 'file'/.test(e.message),
  )
})

test('tsplay doc lists the aliases of an argument', () => {
  assert.match(formatModuleDoc(getModule('blockinfile')!), /- block\n.*\n.*aliases: content\)/)
})
