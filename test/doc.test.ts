// `tsplay doc` output comes from the module's schema alone.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatModuleDoc, formatModuleList } from '../src/doc.js'
import type { Module } from '../src/modules/module.js'

const lineinfile: Module = {
  name: 'lineinfile',
  description: 'Make sure a line is present in a file, or absent.',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'The file to change.' },
      line: { type: 'string', description: 'The line to insert or replace.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the line should be there.' },
      backup: { type: 'boolean', default: false },
      mode: { type: ['string', 'integer'], description: 'Permissions of the file.' },
      groups: { type: 'array', items: { type: 'string' } },
    },
    required: ['path'],
    additionalProperties: false,
  },
  example: '- name: relay through the new host\n  lineinfile:\n    path: /etc/postfix/main.cf\n    line: relayhost = mx2\n',
  gather: async () => undefined,
  plan: () => ({ changes: [] }),
}

test('the doc shows the name, the description, each argument and the example', () => {
  assert.equal(
    formatModuleDoc(lineinfile),
    `> LINEINFILE

  Make sure a line is present in a file, or absent.

ARGUMENTS:

= path
    The file to change.
    (type: string; required)

- backup
    (type: boolean; optional; default: false)

- groups
    (type: list of string; optional)

- line
    The line to insert or replace.
    (type: string; optional)

- mode
    Permissions of the file.
    (type: string or integer; optional)

- state
    Whether the line should be there.
    (type: one of "present", "absent"; optional; default: "present")

EXAMPLE:

  - name: relay through the new host
    lineinfile:
      path: /etc/postfix/main.cf
      line: relayhost = mx2
`,
  )
})

test('a module without arguments or example says so briefly', () => {
  const ping: Module = { ...lineinfile, name: 'ping', description: 'Check the host answers.', schema: { type: 'object' }, example: undefined }
  assert.equal(formatModuleDoc(ping), '> PING\n\n  Check the host answers.\n\nARGUMENTS:\n\n  (none)\n')
})

test('free-form modules and check-mode skipping are mentioned', () => {
  const doc = formatModuleDoc({ ...lineinfile, name: 'command', freeForm: 'cmd', checkMode: 'skip' })
  assert.match(doc, /Takes free-form text as `cmd` \(command: <text>\)/)
  assert.match(doc, /skipped when it would change something/)
})

test('the module list is sorted with descriptions aligned', () => {
  const list = formatModuleList([lineinfile, { ...lineinfile, name: 'copy', description: 'Copy a file.' }])
  assert.equal(list, 'copy        Copy a file.\nlineinfile  Make sure a line is present in a file, or absent.\n')
})
