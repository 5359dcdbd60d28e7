// postconf: read postfix's main.cf settings with postconf(1) into a map (what a playbook used to
// parse out of `postconf -n` in a shell task), or the settings a main.cf text would give. Reads
// only, so it runs in --check as in a real run.
import { argv, sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'

export interface PostconfArgs {
  keys: string[]
  non_default: boolean
  expand: boolean
  config_dir: string | null
  main_cf: string | null
}

export interface PostconfState {
  /** postconf's `name = value` lines. */
  output: string
}

/** `name = value` lines → a map (a value may be empty; `name =` then). */
export function parsePostconf(out: string): Record<string, string> {
  const settings: Record<string, string> = {}
  for (const line of out.split('\n')) {
    const m = /^([A-Za-z0-9_.-]+) =(?: (.*))?$/.exec(line)
    if (m) settings[m[1]!] = m[2] ?? ''
  }
  return settings
}

export const postconf = defineModule<PostconfArgs, PostconfState>({
  name: 'postconf',
  description: "Read postfix's settings (postconf) into a map: all, only the ones main.cf sets, or the named ones.",
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      keys: {
        type: 'array',
        items: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
        default: [],
        description: 'The settings to read (empty: all, or with non_default the ones main.cf sets). A name postfix does not know is left out.',
      },
      non_default: { type: 'boolean', default: false, description: 'Only the settings main.cf sets (postconf -n).' },
      expand: { type: 'boolean', default: false, description: 'Expand $name references in the values (postconf -x).' },
      config_dir: { type: ['string', 'null'], default: null, description: 'Another configuration folder than /etc/postfix (postconf -c).' },
      main_cf: {
        type: ['string', 'null'],
        default: null,
        description: "Read the settings this main.cf text gives instead (postconf -c on a copy in a temporary folder, removed after), e.g. a template's before it goes live: right in --check too.",
      },
    },
  },
  example: `- name: Old's virtual mailbox settings
  postconf:
    keys: [virtual_mailbox_base, virtual_mailbox_maps]
  register: old_postconf

- debug:
    msg: "mail lands under {{ old_postconf.settings.virtual_mailbox_base }}"`,

  async gather(args, ctx) {
    const flags = [...(args.non_default ? ['-n'] : []), ...(args.expand ? ['-x'] : []), ...args.keys]
    if (args.main_cf !== null) {
      // The text goes in on stdin; the folder is gone when the shell exits, whatever postconf said.
      const cmd = sh`d=$(mktemp -d) && trap 'rm -rf "$d"' EXIT && cat > "$d/main.cf" && postconf -c "$d" ${flags}`
      const r = await read(ctx, cmd, { stdin: args.main_cf, what: `reading the settings of the given main.cf (postconf -c <temporary folder> ${argv(flags)})` })
      return { output: r.stdout }
    }
    const words = ['postconf', ...(args.config_dir !== null ? ['-c', args.config_dir] : []), ...flags]
    // stderr carries postconf's warnings (unknown or unused parameters): not part of the answer.
    const r = await read(ctx, argv(words), { what: `reading postfix's settings (${argv(words)})` })
    return { output: r.stdout }
  },

  plan(args, state) {
    const all = parsePostconf(state.output)
    // With -c, postconf -n also prints config_directory, which main.cf does not set.
    if (args.non_default && (args.config_dir !== null || args.main_cf !== null) && !args.keys.includes('config_directory')) delete all.config_directory
    const n = Object.keys(all).length
    return { changes: [], data: { settings: all }, reason: `read ${n} postfix setting${n === 1 ? '' : 's'}` }
  },
})
