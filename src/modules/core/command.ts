// command: run a program with arguments, no shell: quotes, $VARS, globs, | and > are literal.
import { argv } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { gatherGuard, guardPlan, guardProperties, type GuardState } from './guard.js'
import { shlexSplit } from './shlex.js'

export interface CommandArgs {
  cmd?: string | string[]
  argv?: string[]
  chdir?: string
  creates?: string
  removes?: string
  stdin?: string
  stdin_add_newline: boolean
}

export const command = defineModule<CommandArgs, GuardState>({
  name: 'command',
  description: 'Run a command on the target without a shell (no pipes, redirections or $VARS).',
  freeForm: 'cmd',
  checkMode: 'skip',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cmd: {
        type: ['string', 'array'],
        items: { type: 'string' },
        description: 'The command: a string split into words like a shell would (no expansion), or a list of words.',
      },
      argv: { type: 'array', items: { type: 'string' }, description: 'The command as a list of words (same as a list in cmd).' },
      chdir: { type: 'string', description: 'Run the command in this folder.' },
      ...guardProperties,
      stdin: { type: 'string', description: "Text written to the command's standard input." },
      stdin_add_newline: { type: 'boolean', default: true, description: 'Add a newline after stdin.' },
    },
  },
  example: `- name: Show the queue
  command: postqueue -p
  register: queue
  changed_when: false

- name: Build the alias database once
  command:
    argv: [newaliases]
    creates: /etc/aliases.db`,

  gather: (args, ctx) => gatherGuard(args, ctx),

  plan(args, state) {
    if (args.argv !== undefined && args.cmd !== undefined) return { changes: [], failed: 'Give cmd or argv, not both.' }
    let words: string[]
    try {
      words = args.argv ?? (Array.isArray(args.cmd) ? args.cmd : shlexSplit(args.cmd ?? ''))
    } catch (e) {
      return { changes: [], failed: (e as Error).message }
    }
    if (words.length === 0) return { changes: [], failed: 'No command given: set cmd or argv.' }
    const skip = guardPlan(args, state, words)
    if (skip) return skip
    const stdin = args.stdin === undefined ? undefined : args.stdin + (args.stdin_add_newline ? '\n' : '')
    return {
      changes: [{ kind: 'exec', cmd: argv(words), cwd: args.chdir, stdin, capture: true }],
    }
  },
})
