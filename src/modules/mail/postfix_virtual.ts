// postfix_virtual: how postfix delivers to virtual mailboxes, read in one go: virtual_mailbox_maps,
// virtual_mailbox_base, the static uid/gid (and the account owning that uid), the map files new
// needs (mailbox maps and, with them, the virtual alias maps) and each mailbox of the maps
// (address → Maildir under the base). Reads only, so it runs in --check as in a real run.
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'
import { parsePostconf } from './postconf.js'

export interface PostfixVirtualArgs {
  config_dir: string | null
}

export interface PostfixVirtualState {
  settings: Record<string, string>
  /** The account name of the static uid ('' when none). */
  user: string
  /** Each map file's text, by path (a missing file is left out). */
  maps: Record<string, string>
}

const KEYS = ['virtual_mailbox_maps', 'virtual_mailbox_base', 'virtual_uid_maps', 'virtual_gid_maps', 'virtual_alias_maps']
const MARK = '@@tsplay-map@@'

/** The files of a maps setting that new needs: hash, btree, lmdb, cdb and texthash tables. */
export function mapFiles(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((t) => /^(?:hash|btree|lmdb|cdb|texthash):(.+)$/.exec(t)?.[1])
    .filter((f): f is string => f !== undefined)
}

/** `address relative/maildir/` lines (comments and blanks skipped) → address → base/relative/maildir. */
export function mailboxes(base: string, text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const [address = '', dir = ''] = line.trim().split(/\s+/)
    if (!dir || address.startsWith('#') || !dir.endsWith('/')) continue
    out[address] = `${base}/${dir.slice(0, -1)}`
  }
  return out
}

// $1: the static uid ('' for none), $2..: postconf's -c option. Then each map file on stdin.
const GATHER = `uid=$1; shift
postconf "$@" ${KEYS.join(' ')} || exit 1
echo ${MARK}
[ -z "$uid" ] || getent passwd "$uid" | cut -d: -f1
while IFS= read -r f; do [ -f "$f" ] || continue; echo "${MARK} $f"; cat -- "$f"; done`

export const postfixVirtual = defineModule<PostfixVirtualArgs, PostfixVirtualState>({
  name: 'postfix_virtual',
  description: "Read how postfix delivers to virtual mailboxes: maps, base, static uid/gid and their account, the map files, each mailbox's Maildir.",
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      config_dir: { type: ['string', 'null'], default: null, description: 'Another configuration folder than /etc/postfix (postconf -c).' },
    },
  },
  example: `- name: Old's virtual mailbox layout
  postfix_virtual:
  register: layout

- debug:
    msg: "{{ layout.maps != '' }}: mail lands under {{ layout.base }}"`,

  async gather(args, ctx) {
    const c = args.config_dir !== null ? ['-c', args.config_dir] : []
    // Two reads: the settings name the files and the uid the second one looks up.
    const first = await read(ctx, sh`postconf ${c} ${KEYS}`, { what: "reading postfix's virtual mailbox settings" })
    const settings = parsePostconf(first.stdout)
    const uid = /^static:(\d+)$/.exec(settings.virtual_uid_maps ?? '')?.[1] ?? ''
    const files = [...mapFiles(settings.virtual_mailbox_maps ?? ''), ...mapFiles(settings.virtual_alias_maps ?? '')]
    const r = await read(ctx, sh`/bin/sh -c ${GATHER} postfix_virtual ${uid} ${c}`, { stdin: files.join('\n') + '\n', what: 'reading the virtual mailbox maps' })
    const [, rest = ''] = r.stdout.split(`${MARK}\n`)
    const [user = '', ...parts] = rest.split(`${MARK} `)
    const maps: Record<string, string> = {}
    for (const p of parts) {
      const nl = p.indexOf('\n')
      maps[nl < 0 ? p : p.slice(0, nl)] = nl < 0 ? '' : p.slice(nl + 1)
    }
    return { settings, user: user.trim(), maps }
  },

  plan(_args, state) {
    const s = state.settings
    const maps = s.virtual_mailbox_maps ?? ''
    const base = s.virtual_mailbox_base ?? ''
    const mailboxFiles = mapFiles(maps)
    // The virtual alias maps only matter with virtual mailboxes.
    const files = maps === '' ? [] : [...mailboxFiles, ...mapFiles(s.virtual_alias_maps ?? '')]
    const boxes = Object.assign({}, ...mailboxFiles.map((f) => mailboxes(base, state.maps[f] ?? ''))) as Record<string, string>
    const data = {
      maps,
      base,
      uid: /^static:(\d+)$/.exec(s.virtual_uid_maps ?? '')?.[1] ?? '',
      gid: /^static:(\d+)$/.exec(s.virtual_gid_maps ?? '')?.[1] ?? '',
      user: state.user,
      files,
      boxes,
    }
    const n = Object.keys(boxes).length
    return { changes: [], data, reason: maps === '' ? 'postfix delivers to no virtual mailboxes' : `${n} virtual mailbox${n === 1 ? '' : 'es'} under ${base}` }
  },
})
