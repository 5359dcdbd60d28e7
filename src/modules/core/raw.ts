// raw: send a command line as is, with no checks (bootstrapping hosts that lack tools).
import { defineModule } from '../module.js'
import { shellCommand } from './shell.js'

export interface RawArgs {
  cmd: string
  executable?: string
}

export const rawModule = defineModule<RawArgs, null>({
  name: 'raw',
  description: 'Run a command line as is through the remote shell (no chdir, creates or removes).',
  freeForm: 'cmd',
  checkMode: 'skip',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['cmd'],
    properties: {
      cmd: { type: 'string', description: 'The command line.' },
      executable: { type: 'string', description: 'Shell to run the command with (default /bin/sh).' },
    },
  },
  example: `- name: Install python the hard way
  raw: apt-get install -y python3`,

  gather: async () => null,

  plan: (args) => ({ changes: [{ kind: 'exec', cmd: shellCommand(args.cmd, args.executable), capture: true }] }),
})
