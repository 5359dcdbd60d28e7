// A module's `warnings` result field (Ansible's) is registered, and each warning is also a
// `warning` event after the task's result, so reporters print it as ansible-playbook's [WARNING].
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { runInline } from '../helpers/run-playbook.js'
import { createReporter } from '../../src/reporter/index.js'
import { sink } from '../reporter/fixtures.js'

const PLAY = `- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: with executable
      command: echo hi
      args: { executable: /bin/bash }
      register: r
    - name: looped
      command: echo {{ item }}
      args: { executable: /bin/bash }
      loop: [a, b]
    - assert:
        that: r.warnings[0] is search("no longer supported with the 'command' module")
`

test("command's executable warning is registered in warnings and reported once per task as a warning event", async () => {
  const r = await runInline({ 'playbook.yml': PLAY })
  try {
    assert.equal(r.code, 0)
    const warnings = r.events.filter((e) => e.kind === 'warning')
    assert.deepEqual(warnings.map((w) => (w as { message: string }).message), [
      "As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '/bin/bash'.",
      "As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '/bin/bash'.",
    ])
    const at = r.events.findIndex((e) => e.kind === 'task-result' && e.task === 'with executable')
    assert.equal(r.events[at + 1]?.kind, 'warning', 'the warning follows its task result')
    const s = sink()
    const rep = createReporter({ mode: 'plain', verbose: 0, diff: false, color: false, out: s.out })
    for (const e of r.events) rep.on(e)
    assert.match(s.text(), /\[WARNING\]: As of Ansible 2\.4, the parameter 'executable'/)
  } finally {
    rmSync(r.dir, { recursive: true, force: true })
  }
})
