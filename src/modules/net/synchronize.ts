// synchronize: rsync a tree on one host, from/to the controller, or straight between two inventory
// hosts (src_host), as ansible.posix.synchronize. In --check/--diff a --dry-run in gather predicts
// what changes; a plain run copies straight away (the dry run would scan every file a second time).
import { connectionSpec } from '../../inventory/connection-vars.js'
import { defineModule, type ModuleContext } from '../module.js'
import { rsyncCommand, type RemoteSide, type SyncArgs } from './rsync-command.js'
import { compareSides, dryRunOrNoWay, identityFile, NO_WAY } from './rsync-compare.js'
import { parseRsync, progress2Reader } from './rsync-output.js'
import { read } from '../read.js'

export interface SyncState {
  /** Where rsync runs: the task host, the controller, or src_host (push between hosts). */
  runOn: 'target' | 'controller' | 'src_host'
  /** The side reached over ssh, when the copy crosses hosts. */
  remote?: RemoteSide
  /** What a --dry-run itemized: the run's prediction (check and diff mode only). */
  dryRun?: string[]
  /** The ssh way between the hosts was not there yet: dryRun comes from listing both sides
   * (rsync-compare.ts), or `cannot` says why they could not be compared. */
  compared?: true
  cannot?: string
}

const flag = (description: string, dflt?: boolean) => ({ type: 'boolean', description, ...(dflt === undefined ? {} : { default: dflt }) })

export const synchronize = defineModule<SyncArgs, SyncState>({
  name: 'synchronize',
  description: 'Copy a tree with rsync: on the target, controller↔target, or directly between two hosts (src_host).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1, description: "Source path; a trailing '/' copies the folder's content, as with rsync." },
      dest: { type: 'string', minLength: 1, description: 'Destination path.' },
      src_host: { type: 'string', description: 'Inventory host that has src: the copy goes from it straight to the task host over ssh (not through the controller).' },
      mode: { enum: ['push', 'pull'], default: 'push', description: 'Without src_host: push = controller → task host, pull = task host → controller. With src_host: where rsync runs, pull = on the task host, push = on src_host. A local task host copies in place either way.' },
      archive: flag('rsync -a: recursive, links, perms, times, owner, group, devices.', true),
      recursive: flag('Recurse; with archive, false turns it off.'),
      links: flag('Copy symlinks as symlinks; with archive, false turns it off.'),
      perms: flag('Preserve permissions; with archive, false turns it off.'),
      times: flag('Preserve modification times; with archive, false turns it off.'),
      owner: flag('Preserve the owner (root only); with archive, false turns it off.'),
      group: flag('Preserve the group; with archive, false turns it off.'),
      checksum: flag('Compare files by checksum, not size and time.', false),
      compress: flag('Compress data on the wire (only when a side is remote).', true),
      delete: flag('Delete files in dest that are not in src, after the transfer (--delete-delay: as --delete-after, keeping incremental recursion). Careful: mail delivered to dest meanwhile is deleted too.', false),
      numeric_ids: flag('Keep uid/gid numbers instead of mapping user names (--numeric-ids).', false),
      hard_links: flag('Preserve hard links (-H).', false),
      acls: flag('Preserve ACLs (-A).', false),
      xattrs: flag('Preserve extended attributes (-X).', false),
      partial: flag('Keep partially transferred files, so a retry resumes.', false),
      exclude: { type: 'array', items: { type: 'string' }, description: 'rsync exclude patterns.' },
      rsync_opts: { type: 'array', items: { type: 'string' }, description: 'More rsync arguments, each passed as one word.' },
      rsync_path: { type: 'string', description: "rsync on the remote side, e.g. 'sudo rsync'." },
      rsync_timeout: { type: 'integer', minimum: 0, default: 0, description: 'rsync --timeout in seconds (0: none).' },
      dest_port: { type: 'integer', minimum: 1, maximum: 65535, description: "ssh port of the remote side (default: its ansible_port)." },
      ssh_command: { type: 'string', default: 'ssh -o BatchMode=yes', description: "Remote shell rsync uses (--rsh), e.g. 'ssh -i /root/.ssh/oneoff -o StrictHostKeyChecking=yes'." },
    },
  },
  example: `- name: Copy the mail spool from the old host, straight to this one
  synchronize:
    src_host: old
    mode: pull
    src: /var/mail/
    dest: /var/mail/
    archive: true
    hard_links: true
    acls: true
    xattrs: true
    numeric_ids: true
    ssh_command: ssh -i /root/.ssh/oneoff -o StrictHostKeyChecking=yes`,

  // The dry run only reads, and is the exact prediction of what the real run changes: with
  // nothing itemized the run is skipped with its reason, and --check needs nothing of its own.
  // Outside --check/--diff nobody reads the prediction, and it costs a whole second scan of both
  // trees (a million-message presync: as long as the copy): the run itself says what changed.
  async gather(args, ctx) {
    const state = where(args, ctx)
    if (!ctx.check && !ctx.diff) return state
    const on = state.runOn === 'controller' ? { conn: ctx.controller, noBecome: true } : { conn: state.runOn === 'src_host' ? await ctx.connectionTo(args.src_host!) : ctx.conn }
    // Between hosts, a missing ssh key (made by an earlier step that --check does not take): compare instead.
    const key = args.src_host === undefined ? undefined : identityFile(args.ssh_command)
    const dry = rsyncCommand(args, state.remote, true)
    const r = await read(ctx, key === undefined ? dry : dryRunOrNoWay(dry, key), on)
    if (key !== undefined && r.stdout.trim() === NO_WAY) return { ...state, ...(await compareSides(args, ctx)) }
    return { ...state, dryRun: parseRsync(r.stdout).changed }
  },

  plan(args, state) {
    const cmd = rsyncCommand(args, state.remote, false)
    const from = state.remote?.side === 'src' ? `${state.remote.host}:${args.src}` : args.src
    const to = state.remote?.side === 'dest' ? `${state.remote.host}:${args.dest}` : args.dest
    if (state.cannot !== undefined) return { changes: [], skipped: state.cannot }
    const inSync = `${to} is already in sync with ${from}`
    if (state.dryRun?.length === 0) return { changes: [], reason: inSync, data: { changed_items: [] } }
    return {
      changes: [
        {
          kind: 'exec',
          cmd,
          ...(state.runOn === 'target' ? {} : { on: state.runOn === 'controller' ? 'controller' : { host: args.src_host! } }),
          progress: (emit) => {
            // Files only go up: rsync's checked count dips as its incremental list grows.
            let files = 0
            return progress2Reader((p) => {
              files = Math.max(files, p.files ?? 0)
              emit({ label: args.dest, bytes: p.bytes, ...(p.files === undefined ? {} : { files }), ...(p.totalFiles === undefined ? {} : { totalFiles: p.totalFiles }) })
            })
          },
          // `changed` is the task's own verdict, so rsync's list goes in changed_items.
          changedWhen: (r) => parseRsync(r.stdout).changed.length > 0,
          parse: (r, ms) => {
            const { changed, ...counts } = parseRsync(r.stdout)
            return { cmd, rc: r.rc, msg: itemsText(changed), changed_items: changed, ...counts, elapsed: ms / 1000 }
          },
        },
      ],
      ...(state.dryRun ? { diff: [{ path: `rsync ${from} → ${to}`, before: '', after: state.dryRun.join('\n') + '\n' }] } : {}),
      data: { cmd },
      ...(state.compared ? { reason: `${state.dryRun?.length ?? 0} differences between both sides, listed (the ssh way between them is made during the run)` } : {}),
      // Without a dry run nothing is known before the copy: the run's changed_items say what moved.
      ...(state.dryRun ? {} : { msg: `rsync ${from} → ${to}: changed_items lists what it copied or deleted` }),
    }
  },
})

/** The itemized changes as the task's message: a first copy of a million files would make one
 * ~80 MB line of it (changed_items keeps them all). */
const MSG_ITEMS = 1000
function itemsText(changed: string[]): string {
  if (changed.length <= MSG_ITEMS) return changed.join('\n')
  return `${changed.slice(0, MSG_ITEMS).join('\n')}\n… and ${changed.length - MSG_ITEMS} more (changed_items has them all)`
}

/** Decide where rsync runs and which side, if any, it reaches over ssh. */
function where(args: SyncArgs, ctx: ModuleContext): SyncState {
  if (args.src_host !== undefined) {
    if (args.mode === 'pull') return { runOn: 'target', remote: remoteSide('src', args.src_host, ctx) }
    return { runOn: 'src_host', remote: remoteSide('dest', ctx.host, ctx) }
  }
  // A local task host is the controller: both paths are on it.
  if (ctx.conn.transport === 'local') return { runOn: 'target' }
  return { runOn: 'controller', remote: remoteSide(args.mode === 'push' ? 'dest' : 'src', ctx.host, ctx) }
}

/** How the other host is reached over ssh: its inventory connection vars (tsplay_* or the
 * Ansible names), read the same way the connection itself reads them. */
function remoteSide(side: 'src' | 'dest', host: string, ctx: ModuleContext): RemoteSide {
  const hostvars = (ctx.vars.hostvars ?? {}) as Record<string, Record<string, unknown> | undefined>
  const v = hostvars[host] ?? (host === ctx.host ? ctx.vars : {})
  const spec = connectionSpec(host, v)
  return { side, host, address: spec.address ?? host, user: spec.user, port: spec.port }
}
