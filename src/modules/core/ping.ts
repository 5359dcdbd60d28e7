// ping: prove the host answers a command over its connection; returns `ping: <data>` as Ansible's.
import { TsplayError } from '../../errors.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'

export interface PingArgs {
  data: string
}

export const ping = defineModule<PingArgs, null>({
  name: 'ping',
  description: 'Check that the host can be reached and run a command; returns ping: pong.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      data: { type: 'string', default: 'pong', description: "Returned as `ping`; 'crash' makes the task fail, as in Ansible." },
    },
  },
  example: '- ping:',
  async gather(args, ctx) {
    await read(ctx, 'true')
    if (args.data === 'crash') throw new TsplayError('boom')
    return null
  },
  plan: (args) => ({ changes: [], reason: 'pong', data: { ping: args.data } }),
})
