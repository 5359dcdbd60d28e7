// wait_for_connection: wait until the host can be reached and runs a command again (after a
// reboot, a network change), as ansible.builtin.wait_for_connection. Skipped in --check, as Ansible's.
import { defineModule } from '../module.js'
import { sleep, tryCommand, untilOk } from './reconnect.js'

export interface WaitForConnectionArgs {
  delay: number
  sleep: number
  timeout: number
  connect_timeout: number
}

export const waitForConnection = defineModule<WaitForConnectionArgs, null>({
  name: 'wait_for_connection',
  description: 'Wait until the host is reachable and runs a command (like ansible.builtin.wait_for_connection).',
  checkMode: 'skip',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      delay: { type: 'number', minimum: 0, default: 0, description: 'Seconds to wait before the first try.' },
      sleep: { type: 'number', minimum: 0, default: 1, description: 'Seconds between tries.' },
      timeout: { type: 'number', minimum: 0, default: 600, description: 'Seconds to keep trying before failing.' },
      connect_timeout: { type: 'number', minimum: 0.1, default: 5, description: 'Seconds one connection attempt may take.' },
    },
  },
  example: ['- name: Back after the network change', '  wait_for_connection:', '    delay: 5', '    timeout: 120'].join('\n'),
  async gather() {
    return null
  },
  plan(args) {
    return {
      changes: [
        {
          kind: 'call',
          describe: `wait up to ${args.timeout}s for the connection`,
          run: async (ctx) => {
            const start = Date.now()
            await sleep(args.delay * 1000, ctx.signal)
            // Ansible runs its ping module; a shell command is tsplay's equivalent.
            const r = await untilOk(ctx, args.timeout * 1000, args.sleep * 1000, () => tryCommand(ctx, 'echo pong', args.connect_timeout * 1000))
            const elapsed = Math.round((Date.now() - start) / 1000)
            if (!r.ok) return { changed: false, failed: `timed out waiting for ping module test: ${r.why}`, data: { elapsed } }
            return { changed: false, data: { elapsed } }
          },
        },
      ],
    }
  },
})
