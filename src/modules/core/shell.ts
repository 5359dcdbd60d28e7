// shell: run a command line through a shell, so pipes, redirections and $VARS work.
import { quote } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { chdirPlan, gatherGuard, guardedCheckMode, guardPlan, guardProperties, runPlan, runProperties, type GuardState, type RunArgs } from './guard.js'

export interface ShellArgs extends RunArgs {
  cmd: string
  executable?: string
}

/** The target's /bin/sh runs the text as is; another shell gets it as one quoted argument. */
export function shellCommand(cmd: string, executable: string | undefined): string {
  return executable === undefined || executable === '/bin/sh' ? cmd : `${quote(executable)} -c ${quote(cmd)}`
}

export const shell = defineModule<ShellArgs, GuardState>({
  name: 'shell',
  description: 'Run a command line through a shell on the target (pipes, redirections, $VARS).',
  freeForm: 'cmd',
  checkMode: guardedCheckMode,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['cmd'],
    properties: {
      cmd: { type: 'string', description: 'The command line, run by the shell.' },
      executable: { type: 'string', description: 'Shell to run the command with (default /bin/sh).' },
      chdir: { type: 'string', description: 'Run the command in this folder.' },
      ...guardProperties,
      ...runProperties,
    },
  },
  example: `- name: Count deferred mails
  shell: postqueue -p | grep -c '^[A-F0-9]' || true
  register: deferred
  changed_when: false`,

  gather: (args, ctx) => gatherGuard(args, ctx),

  plan(args, state, ctx) {
    const skip = chdirPlan(args, state) ?? guardPlan(args, state, args.cmd)
    if (skip) return skip
    return runPlan(shellCommand(args.cmd, args.executable), args, ctx)
  },
})
