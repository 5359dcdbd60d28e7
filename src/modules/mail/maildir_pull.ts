// maildir_pull: the final sync's two rsyncs (maildir_mirror's lists) at once, on the destination,
// pulling from the source over the given ssh: the missing messages (--files-from), and everything
// else of the mailbox roots (-r, --delete protecting this host's deliveries, the cur/ and new/
// mirrored by name excluded). Run side by side, their ssh and rrsync start-ups overlap, and no dry
// run goes first (synchronize's prediction): inside the cutover's window each start-up counts.
// The two never write the same files: the stream only fills excluded cur/ and new/ folders.
import { argv } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'
import { rsyncCommand, type SyncArgs } from '../net/rsync-command.js'
import { parseRsync, type RsyncReport } from '../net/rsync-output.js'

export interface MaildirPullArgs {
  source: string
  ssh_command: string
  files_from: string
  rest_from: string
  exclude_from: string
  protect: string[]
  rsync_timeout: number
  vanished_ok: boolean
}

export interface MaildirPullState {
  /** Bytes in files_from: 0 means no message is missing here, so the stream is not started. */
  streamBytes: number
}

/** rsync's exit code for "some source files vanished before they could be transferred". */
const VANISHED = 24

const MARK = 'tsplay-maildir-pull'

/** The protect filters of the rest's --delete, as roles/mail-sync builds them: `P *.HOST` and
 * `P *.HOST[,:]*` (Maildir names end in the delivering host's name, before ',S=' or ':2,'). */
export function protectFilters(hosts: string[]): string[] {
  return hosts.flatMap((h) => [`--filter=P *.${h}`, `--filter=P *.${h}[,:]*`])
}

/** The two rsync command lines (the stream's undefined when nothing is missing). */
export function pullCommands(args: MaildirPullArgs, stream: boolean): { stream?: string; rest: string } {
  const base: SyncArgs = { src: '/', dest: '/', mode: 'pull', archive: true, checksum: false, compress: false, delete: false, numeric_ids: true, hard_links: true, acls: true, xattrs: true, partial: false, rsync_timeout: args.rsync_timeout, ssh_command: args.ssh_command }
  const remote = { side: 'src' as const, host: args.source, address: args.source }
  return {
    ...(stream ? { stream: rsyncCommand({ ...base, rsync_opts: [`--files-from=${args.files_from}`, '--from0'] }, remote, false) } : {}),
    rest: rsyncCommand({ ...base, delete: true, rsync_opts: [...protectFilters(args.protect), '--recursive', `--files-from=${args.rest_from}`, `--exclude-from=${args.exclude_from}`, '--from0'] }, remote, false),
  }
}

/** Both at once; each one's output kept apart and printed after a mark line with its exit code.
 * Exits with the first failure's code (24, vanished files, counts as success when allowed). */
export function pullScript(cmds: { stream?: string; rest: string }, vanishedOk: boolean): string {
  const ok = vanishedOk ? `0|${VANISHED}` : '0'
  const job = (name: string, cmd: string): string => `( ${cmd} ) >"$d/${name}" 2>"$d/${name}.err" </dev/null; echo $? >"$d/${name}.rc"`
  return [
    'd=$(mktemp -d) || exit 1',
    `trap 'rm -rf "$d"' EXIT`,
    ...(cmds.stream ? [`${job('stream', cmds.stream)} &`] : []),
    job('rest', cmds.rest),
    'wait',
    'rc=0',
    `for j in ${cmds.stream ? 'stream ' : ''}rest; do`,
    `  r=$(cat "$d/$j.rc"); echo "${MARK} $j $r"; cat "$d/$j"; cat "$d/$j.err" >&2`,
    `  case $r in ${ok}) ;; *) [ $rc = 0 ] && rc=$r ;; esac`,
    'done',
    'exit $rc',
  ].join('\n')
}

/** The script's stdout → each rsync's report and exit code. */
export function parsePull(stdout: string): Record<'stream' | 'rest', (RsyncReport & { rc: number }) | undefined> {
  const out: Record<string, (RsyncReport & { rc: number }) | undefined> = { stream: undefined, rest: undefined }
  const parts = stdout.split(new RegExp(`^${MARK} `, 'm')).slice(1)
  for (const p of parts) {
    const nl = p.indexOf('\n')
    const [name = '', rc = ''] = (nl === -1 ? p : p.slice(0, nl)).split(' ')
    out[name] = { ...parseRsync(nl === -1 ? '' : p.slice(nl + 1)), rc: Number(rc) }
  }
  return out as Record<'stream' | 'rest', (RsyncReport & { rc: number }) | undefined>
}

export const maildirPull = defineModule<MaildirPullArgs, MaildirPullState>({
  name: 'maildir_pull',
  description: "Run the final sync's two rsyncs from maildir_mirror's lists at once (no dry run): the missing messages, and the rest of the mailbox roots with --delete protecting this host's deliveries.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['source', 'ssh_command', 'files_from', 'rest_from', 'exclude_from'],
    properties: {
      source: { type: 'string', pattern: '^[^\\s:/]+$', description: 'The source as ssh reaches it ([user@]host or an alias the ssh options resolve).' },
      ssh_command: { type: 'string', minLength: 1, description: 'Remote shell for rsync (--rsh): the one-off key, pinned host key, shared connection.' },
      files_from: { type: 'string', pattern: '^/', description: "maildir_mirror's list of missing messages (relative to /, NUL-terminated); empty: no stream." },
      rest_from: { type: 'string', pattern: '^/', description: "maildir_mirror's list of the mailbox roots, copied recursively with --delete." },
      exclude_from: { type: 'string', pattern: '^/', description: "maildir_mirror's cur/ and new/ folders handled by name, left out of the rest." },
      protect: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' }, default: [], description: "Host names whose deliveries the rest's --delete never removes." },
      rsync_timeout: { type: 'integer', minimum: 0, default: 0, description: 'rsync --timeout in seconds (0: none).' },
      vanished_ok: { type: 'boolean', default: false, description: 'Files that vanished on the source during the copy (rsync exit 24) are no failure: for a pass while mail still flows, whose changes a later pass copies.' },
    },
  },
  example: `- maildir_pull:
    source: tsplay-mail-sync-source
    ssh_command: ssh -F /dev/null -i /root/sync/id_ed25519 -o ControlPath=/root/sync/master
    files_from: /root/sync/files-from
    rest_from: /root/sync/rest-from
    exclude_from: /root/sync/exclude
    protect: [new, new.example.test]`,

  async gather(args, ctx) {
    // No list yet (--check, where maildir_mirror only planned it): the stream is predicted as not needed.
    const r = await read(ctx, argv(['stat', '-c', '%s', '--', args.files_from]), { what: `reading ${args.files_from}`, okCodes: 'any' })
    return { streamBytes: r.rc === 0 ? Number(r.stdout.trim()) || 0 : 0 }
  },

  plan(args, state) {
    const cmds = pullCommands(args, state.streamBytes > 0)
    return {
      changes: [
        {
          kind: 'exec',
          cmd: argv(['bash', '-c', pullScript(cmds, args.vanished_ok), 'maildir_pull']),
          changedWhen: (r) => Object.values(parsePull(r.stdout)).some((x) => (x?.changed.length ?? 0) > 0),
          parse: (r, ms) => {
            const { stream, rest } = parsePull(r.stdout)
            const n = (x: RsyncReport | undefined, k: 'files_transferred' | 'bytes_transferred'): number => x?.[k] ?? 0
            const deleted = rest?.deleted ?? []
            const msg = `one stream ${n(stream, 'files_transferred')} files, ${n(stream, 'bytes_transferred')} bytes; the rest ${n(rest, 'files_transferred')} files, ${n(rest, 'bytes_transferred')} bytes${deleted.length ? `, ${deleted.length} deleted` : ''}; ${(ms / 1000).toFixed(2)} s`
            return { rc: r.rc, msg, stream: stream ?? null, rest: rest ?? null, files_transferred: n(stream, 'files_transferred') + n(rest, 'files_transferred'), bytes_transferred: n(stream, 'bytes_transferred') + n(rest, 'bytes_transferred'), deleted, elapsed: ms / 1000 }
          },
        },
      ],
      data: cmds,
    }
  },
})
