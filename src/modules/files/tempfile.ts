// tempfile: create a uniquely named temporary file or folder on the target (mktemp); its name is
// returned in `path`, as Ansible's. Every run creates a new one, so --check skips it.
import { argv } from '../../connection/quote.js'
import { defineModule } from '../module.js'

export interface TempfileArgs {
  state: 'file' | 'directory'
  path?: string | null
  prefix: string
  suffix: string
}

export const tempfile = defineModule<TempfileArgs, null>({
  name: 'tempfile',
  description: 'Create a temporary file or folder on the target and return its path.',
  checkMode: 'skip',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      state: { enum: ['file', 'directory'], default: 'file', description: 'Whether to create a file or a folder.' },
      path: { type: ['string', 'null'], default: null, description: "Folder to create it in (default: the target's $TMPDIR, else /tmp)." },
      prefix: { type: 'string', default: 'ansible.', description: 'Start of the name.' },
      suffix: { type: 'string', default: '', description: 'End of the name.' },
    },
  },
  example: ['- tempfile:', '    state: directory', '    suffix: build', '  register: build_dir'].join('\n'),
  gather: async () => null,
  plan(args) {
    const words = ['mktemp', ...(args.state === 'directory' ? ['-d'] : []), args.path ? `--tmpdir=${args.path}` : '--tmpdir', `--suffix=${args.suffix}`, '--', `${args.prefix}XXXXXXXXXX`]
    return {
      changes: [{ kind: 'exec', cmd: argv(words), parse: (r) => ({ path: r.stdout.trim(), state: args.state }) }],
      reason: `create a temporary ${args.state}`,
    }
  },
})
