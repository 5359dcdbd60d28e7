// fail: stop the host with a message (usually under `when:`).
import { defineModule } from '../module.js'

export interface FailArgs {
  msg: string
}

export const fail = defineModule<FailArgs, null>({
  name: 'fail',
  description: 'Fail the task with a message.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      msg: { type: 'string', default: 'Failed as requested from task', description: 'The failure message.' },
    },
  },
  example: `- fail:
    msg: "{{ inventory_hostname }} still has mail in its queue"
  when: queue.stdout_lines | length > 0`,

  gather: async () => null,

  plan: (args) => ({ changes: [], failed: args.msg }),
})
