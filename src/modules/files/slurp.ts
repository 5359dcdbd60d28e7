// slurp: read a file from the target into data.content (base64), as Ansible's slurp does, for
// `b64decode` in later tasks. Never changes anything.
import { defineModule } from '../module.js'
import { statPaths, type PathState } from './gather.js'

export interface SlurpArgs {
  src: string
}

export const slurp = defineModule<SlurpArgs, { src: PathState }>({
  name: 'slurp',
  description: 'Read a file from the target; data.content holds it base64-encoded.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src'],
    properties: { src: { type: 'string', aliases: ['path'], description: 'File on the target to read (symlinks are followed).' } },
  },
  example: ['- name: Read the DKIM public key', '  slurp:', '    src: /etc/opendkim/keys/mail.txt', '  register: dkim'].join('\n'),
  async gather(args, ctx) {
    const { paths } = await statPaths(ctx, [{ path: args.src, follow: true, content: 'base64' }])
    return { src: paths[0]! }
  },
  plan(args, state) {
    const s = state.src
    if (!s.exists) return { changes: [], failed: `file not found: ${args.src}` }
    if (s.type === 'directory') return { changes: [], failed: `source is a directory and must be a file: ${args.src}` }
    if (s.base64 === undefined) return { changes: [], failed: `file is not readable: ${args.src}` }
    return { changes: [], reason: `read ${s.size} bytes`, data: { content: s.base64, encoding: 'base64', source: args.src } }
  },
})
