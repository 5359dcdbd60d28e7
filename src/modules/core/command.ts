// command: run a program with arguments, no shell: quotes, $VARS, globs, | and > are literal.
import { argv } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { chdirPlan, gatherGuard, guardedCheckMode, guardPlan, guardProperties, runPlan, runProperties, type GuardState, type RunArgs } from './guard.js'
import { shlexSplit } from './shlex.js'

export interface CommandArgs extends RunArgs {
  cmd?: string | string[]
  argv?: string[]
  executable?: string
}

export const command = defineModule<CommandArgs, GuardState>({
  name: 'command',
  description: 'Run a command on the target without a shell (no pipes, redirections or $VARS).',
  freeForm: 'cmd',
  checkMode: guardedCheckMode,
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
      executable: { type: 'string', description: "Ignored with a warning, as in Ansible since 2.4 (use shell's executable)." },
      ...runProperties,
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

  plan(args, state, ctx) {
    // Ansible's messages and rc 256 for a command that never started.
    if (args.argv !== undefined && args.cmd !== undefined) return { changes: [], failed: 'only command or argv can be given, not both', data: { rc: 256 } }
    let words: string[]
    try {
      words = args.argv ?? (Array.isArray(args.cmd) ? args.cmd : shlexSplit(args.cmd ?? ''))
    } catch (e) {
      return { changes: [], failed: (e as Error).message }
    }
    if (words.length === 0) return { changes: [], failed: 'no command given', data: { rc: 256 } }
    const skip = chdirPlan(args, state) ?? guardPlan(args, state, words)
    if (skip) return skip
    const plan = runPlan(argv(words), args, ctx)
    if (args.executable !== undefined) {
      plan.data = { ...plan.data, warnings: [`As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${args.executable}'.`] }
    }
    return plan
  },
})
