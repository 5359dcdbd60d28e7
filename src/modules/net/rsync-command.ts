// Builds the rsync command line for synchronize (pure): options from the args, and each side as a
// local path or `[user@]address:path` when the copy crosses hosts.
import { argv } from '../../connection/quote.js'

export interface SyncArgs {
  src: string
  dest: string
  src_host?: string
  mode: 'push' | 'pull'
  archive: boolean
  recursive?: boolean
  links?: boolean
  perms?: boolean
  times?: boolean
  owner?: boolean
  group?: boolean
  checksum: boolean
  compress: boolean
  delete: boolean
  numeric_ids: boolean
  hard_links: boolean
  acls: boolean
  xattrs: boolean
  partial: boolean
  exclude?: string[]
  rsync_opts?: string[]
  rsync_path?: string
  rsync_timeout: number
  dest_port?: number
  ssh_command: string
}

/** The side of the copy that is on another host than the one rsync runs on. */
export interface RemoteSide {
  side: 'src' | 'dest'
  /** Inventory name, for messages. */
  host: string
  address: string
  user?: string
  port?: number
}

/** Marks itemized lines so no stats line or file name can be mistaken for one. */
export const ITEM_PREFIX = 'tsplay-item '

export function rsyncCommand(args: SyncArgs, remote: RemoteSide | undefined, dryRun: boolean): string {
  const w: string[] = ['rsync', `--out-format=${ITEM_PREFIX}%i %n`, '--stats']
  // progress2: one overall progress line (bytes, files checked) that synchronize turns into
  // progress events; a dry run transfers nothing, so it has none.
  if (dryRun) w.push('--dry-run')
  else w.push('--info=progress2')
  if (args.archive) {
    w.push('--archive')
    // Ansible: with archive on, an option set to false turns that part of -a off.
    for (const k of ['recursive', 'links', 'perms', 'times', 'owner', 'group'] as const) if (args[k] === false) w.push(`--no-${k}`)
  } else {
    for (const k of ['recursive', 'links', 'perms', 'times', 'owner', 'group'] as const) if (args[k] === true) w.push(`--${k}`)
  }
  // Deletions after the transfer as Ansible's --delete-after, but found during the scan:
  // --delete-after turns off incremental recursion (the whole file list in memory before the
  // first file moves, on both sides), which at a million files is most of a presync's time.
  if (args.delete) w.push('--delete-delay')
  if (args.numeric_ids) w.push('--numeric-ids')
  if (args.hard_links) w.push('--hard-links')
  if (args.acls) w.push('--acls')
  if (args.xattrs) w.push('--xattrs')
  if (args.checksum) w.push('--checksum')
  if (args.partial) w.push('--partial')
  // Compression only helps on the wire; a same-host copy has none.
  if (args.compress && remote) w.push('--compress')
  if (args.rsync_timeout > 0) w.push(`--timeout=${args.rsync_timeout}`)
  if (args.rsync_path !== undefined) w.push(`--rsync-path=${args.rsync_path}`)
  for (const p of args.exclude ?? []) w.push(`--exclude=${p}`)
  if (remote) {
    const port = args.dest_port ?? remote.port
    // rsync splits this string into words itself; it never reaches a shell of ours unquoted.
    w.push('--rsh', port === undefined ? args.ssh_command : `${args.ssh_command} -p ${port}`)
  }
  // --from0 first: rsync reads an --exclude-from (or --include-from, a merge filter) file when it
  // parses that option, so a --from0 after it leaves the file newline-separated, and of a
  // NUL-separated list only the first pattern counts (the final sync's excludes: one folder of
  // many). --files-from is read later and never cared.
  const opts = args.rsync_opts ?? []
  const nul: string[] = opts.filter((o) => o === '--from0' || o === '-0')
  w.push(...nul, ...opts.filter((o) => !nul.includes(o)))
  w.push('--', side(args.src, remote?.side === 'src' ? remote : undefined), side(args.dest, remote?.side === 'dest' ? remote : undefined))
  return argv(w)
}

function side(path: string, remote: RemoteSide | undefined): string {
  if (!remote) return localPath(path)
  const addr = remote.address.includes(':') ? `[${remote.address}]` : remote.address
  return `${remote.user ? `${remote.user}@` : ''}${addr}:${path}`
}

/** rsync reads `a:b` as host a, so a relative path with a colon (or a leading '-') gets './'. */
export function localPath(path: string): string {
  if (path.startsWith('/')) return path
  return /^[^/]*:/.test(path) || path.startsWith('-') ? `./${path}` : path
}
