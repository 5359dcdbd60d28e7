// hostname: the host's name, live and in /etc/hostname (hostnamectl only when systemd runs).
import { argv, sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { SECTION, attrDiff, readState, sections } from './common.js'

export interface HostnameArgs {
  name: string
  use?: 'systemd' | 'debian'
}

export interface HostnameState {
  live: string
  /** First line of /etc/hostname, null when the file does not exist. */
  file: string | null
  systemd: boolean
}

/** RFC 1123 labels: letters, digits and inner hyphens, 63 per label, 253 in all. */
const VALID = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

export const hostname = defineModule<HostnameArgs, HostnameState>({
  name: 'hostname',
  description: "Set the host's name, both live and in /etc/hostname.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'The host name (letters, digits, hyphens; dots between labels).' },
      use: {
        enum: ['systemd', 'debian'],
        description: 'How to set it. Unset: systemd (hostnamectl) when /run/systemd/system exists, else debian (/etc/hostname and the hostname command).',
      },
    },
  },
  example: `- name: The new host answers to its own name
  hostname:
    name: mx2.example.org`,

  async gather(_args, ctx) {
    const script = sh`hostname; echo ${SECTION}; if [ -d /run/systemd/system ]; then echo 1; else echo 0; fi; echo ${SECTION}; if [ -e /etc/hostname ]; then echo file; cat /etc/hostname; fi`
    const [live = '', systemd = '', file = ''] = sections(await readState(ctx, script, 'the host name'), 3)
    return { live: live.trim(), systemd: systemd.trim() === '1', file: file.startsWith('file\n') ? (file.slice(5).split('\n')[0] ?? '').trim() : null }
  },

  plan(args, state) {
    if (!VALID.test(args.name)) return { changes: [], failed: `'${args.name}' is not a valid host name` }
    const use = args.use ?? (state.systemd ? 'systemd' : 'debian')
    if (state.live === args.name && state.file === args.name) return { changes: [], reason: `host name is already ${args.name}` }
    const cmd =
      use === 'systemd'
        ? argv(['hostnamectl', 'set-hostname', '--', args.name])
        : // Write the file first: if setting the live name fails, the next boot still gets it right.
          `${sh`printf '%s\\n' ${args.name} > /etc/hostname`} && ${argv(['hostname', args.name])}`
    return {
      changes: [{ kind: 'exec', cmd }],
      diff: [attrDiff('hostname', { live: state.live, '/etc/hostname': state.file ?? '(none)' }, { live: args.name, '/etc/hostname': args.name })],
    }
  },
})
