// postfix_hold: release from postfix's hold queue (postsuper -H, then a flush), or delete from it
// (postsuper -d ... hold), the queue ids a file on the host lists. Only the listed ids that are in
// the hold queue now are acted on, so --check predicts exactly what a run does and a second run
// finds nothing left to do. The migration moves old's queue into new's hold queue, releases it
// once the cutover is confirmed and deletes it again on a rollback (playbooks/migrate/queue.yml).
import { argv, sh } from '../../connection/quote.js'
import { defineModule, type Change } from '../module.js'
import { read } from '../read.js'

export interface PostfixHoldArgs {
  ids_file: string
  state: 'released' | 'deleted'
  flush: boolean
  config_dir: string | null
}

export interface PostfixHoldState {
  /** The ids the file lists; null when the file does not exist. */
  listed: string[] | null
  /** The ids in the hold queue now (file names under queue_directory/hold). */
  held: string[]
}

const SPLIT = '@@tsplay-hold@@'

// $1 the ids file, $2.. postconf's -c option when given. The hold queue is read as files, so it
// works whether or not postfix runs.
const GATHER = `f=$1; shift
if [ -f "$f" ]; then echo listed; cat -- "$f"; else echo missing; fi
echo ${SPLIT}
q=$(postconf "$@" -h queue_directory) || exit 1
[ ! -d "$q/hold" ] || find "$q/hold" -type f -printf '%f\\n'`

const ids = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => /^[A-Za-z0-9]+$/.test(l))

export const postfixHold = defineModule<PostfixHoldArgs, PostfixHoldState>({
  name: 'postfix_hold',
  description: "Release from postfix's hold queue (and flush), or delete from it, the queue ids a file on the host lists.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['ids_file'],
    properties: {
      ids_file: { type: 'string', minLength: 1, description: 'File on the host with one queue id a line; a missing file lists none.' },
      state: {
        enum: ['released', 'deleted'],
        default: 'released',
        description: 'released: the listed ids in the hold queue leave it (postsuper -H) and are delivered; deleted: they are deleted from the hold queue (postsuper -d ... hold).',
      },
      flush: { type: 'boolean', default: true, description: 'After a release, ask postfix to deliver the queue now (postqueue -f; needs postfix running).' },
      config_dir: { type: ['string', 'null'], default: null, description: 'Another configuration folder than /etc/postfix (postconf/postsuper/postqueue -c).' },
    },
  },
  example: `- name: Deliver the moved mail now
  postfix_hold:
    ids_file: /var/lib/tsplay/queue-release
    state: released`,

  async gather(args, ctx) {
    const c = args.config_dir !== null ? ['-c', args.config_dir] : []
    const r = await read(ctx, sh`/bin/sh -c ${GATHER} postfix_hold ${args.ids_file} ${c}`, { what: `reading ${args.ids_file} and postfix's hold queue` })
    const [listed = '', held = ''] = r.stdout.split(`${SPLIT}\n`)
    return { listed: listed.startsWith('listed\n') ? ids(listed.slice('listed\n'.length)) : null, held: ids(held) }
  },

  plan(args, state) {
    if (state.listed === null) return { changes: [], reason: `${args.ids_file} does not exist: no queue ids to act on`, data: { ids: [] } }
    const held = new Set(state.held)
    const act = [...new Set(state.listed)].filter((id) => held.has(id))
    const data = { ids: act, listed: state.listed.length }
    if (act.length === 0) return { changes: [], data, reason: `none of the ${state.listed.length} queue ids in ${args.ids_file} is in the hold queue` }
    const c = args.config_dir !== null ? ['-c', args.config_dir] : []
    const stdin = act.join('\n') + '\n'
    const changes: Change[] =
      args.state === 'released'
        ? [{ kind: 'exec', cmd: argv(['postsuper', ...c, '-H', '-']), stdin }, ...(args.flush ? [{ kind: 'exec' as const, cmd: argv(['postqueue', ...c, '-f']) }] : [])]
        : [{ kind: 'exec', cmd: argv(['postsuper', ...c, '-d', '-', 'hold']), stdin }]
    return { changes, data, msg: `${args.state === 'released' ? 'released' : 'deleted'} ${act.length} of the ${state.listed.length} queue ids in ${args.ids_file} from the hold queue` }
  },
})
