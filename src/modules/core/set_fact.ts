// set_fact: set host variables (facts) that later tasks and plays on this host can use.
import { defineModule } from '../module.js'

export type SetFactArgs = Record<string, unknown> & { cacheable?: boolean }

export const setFact = defineModule<SetFactArgs, null>({
  name: 'set_fact',
  description: 'Set facts (host variables) from key: value pairs.',
  schema: {
    type: 'object',
    additionalProperties: true,
    properties: {
      cacheable: { type: 'boolean', default: false, description: 'Accepted for Ansible compatibility; tsplay has no fact cache.' },
    },
  },
  example: `- set_fact:
    old_mx: "{{ groups['mx_old'][0] }}"
    cutover_done: false`,

  gather: async () => null,

  plan(args) {
    const { cacheable: _ignored, ...given } = args
    // As Ansible's set_fact: a value that is the text true/false/yes/no becomes a boolean, so
    // `set_fact: flag=false` is false in `when: flag`.
    const facts = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, typeof v === 'string' && /^(true|false|yes|no)$/i.test(v) ? /^(true|yes)$/i.test(v) : v]))
    return { changes: [], facts, reason: 'facts are set on the controller only' }
  },
})
