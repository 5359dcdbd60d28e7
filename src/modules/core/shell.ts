// shell: run a command line through a shell, so pipes, redirections and $VARS work.
import { quote } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { gatherGuard, guardPlan, guardProperties, type GuardState } from './guard.js'

export interface ShellArgs {
  cmd: string
  executable?: string
  chdir?: string
  creates?: string
  removes?: string
  stdin?: string
  stdin_add_newline: boolean
}

/** The target's /bin/sh runs the text as is; another shell gets it as one quoted argument. */
export function shellCommand(cmd: string, executable: string | undefined): string {
  return executable === undefined || executable === '/bin/sh' ? cmd : `${quote(executable)} -c ${quote(cmd)}`
}

export const shell = defineModule<ShellArgs, GuardState>({
  name: 'shell',
  description: 'Run a command line through a shell on the target (pipes, redirections, $VARS).',
  freeForm: 'cmd',
  checkMode: 'skip',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['cmd'],
    properties: {
      cmd: { type: 'string', description: 'The command line, run by the shell.' },
      executable: { type: 'string', description: 'Shell to run the command with (default /bin/sh).' },
      chdir: { type: 'string', description: 'Run the command in this folder.' },
      ...guardProperties,
      stdin: { type: 'string', description: "Text written to the command's standard input." },
      stdin_add_newline: { type: 'boolean', default: true, description: 'Add a newline after stdin.' },
    },
  },
  example: `- name: Count deferred mails
  shell: postqueue -p | grep -c '^[A-F0-9]' || true
  register: deferred
  changed_when: false`,

  gather: (args, ctx) => gatherGuard(args, ctx),

  plan(args, state) {
    const skip = guardPlan(args, state, args.cmd)
    if (skip) return skip
    const stdin = args.stdin === undefined ? undefined : args.stdin + (args.stdin_add_newline ? '\n' : '')
    return {
      changes: [{ kind: 'exec', cmd: shellCommand(args.cmd, args.executable), cwd: args.chdir, stdin, capture: true }],
    }
  },
})
