// Planning a whole-file write (copy, template, lineinfile, blockinfile): a 'put' when the content
// differs (or a validate-then-rename exec), an optional backup first, else only attribute fixes.
import type { Change, FileDiff } from '../module.js'
import { argv, quote, raw, sh } from '../../connection/quote.js'
import { planAttrs, sameText, wantedMode, type AttrArgs } from './attrs.js'
import type { PathState } from './gather.js'
import { shlexSplit } from '../core/shlex.js'
import { formatMode } from './mode.js'
import { argPath, diffText, dirOf, isSet, sha1 } from './paths.js'

export interface WriteArgs extends AttrArgs {
  backup?: boolean | null
  validate?: string | null
}

export interface WritePlan {
  changes: Change[]
  diff: FileDiff[]
  /** Why nothing changes, when changes is empty. */
  reason: string
  error?: string
}

/** Plan writing `content` to `st.path`; `euid` is who writes (root keeps a file's owner). */
/** `backupKey`: the result field naming the backup (lineinfile says `backup`, the others `backup_file`). */
export function planWrite(content: string | Buffer, stIn: PathState, euid: number, args: WriteArgs, wantDiff: boolean, backupKey = 'backup_file'): WritePlan {
  let st = stIn
  const path = st.path
  const current = st.checksum ?? (st.content !== undefined ? sha1(st.content) : undefined)
  const differs = !st.exists || current !== sha1(content)
  // A symlink at the path is replaced by a file (copy's follow: no); its mode/owner mean nothing.
  if (st.type === 'link') st = { path: st.path, exists: false }
  const attrs = st.exists ? planAttrs(args, st) : undefined
  if (attrs?.error) return { changes: [], diff: [], reason: '', error: attrs.error }
  const diff: FileDiff[] = []

  if (!differs) {
    if (wantDiff && attrs!.changes.length) diff.push(attrDiff(path, attrs!.before, attrs!.after))
    const reason = attrs!.changes.length ? `fix attributes of ${path}` : `${path} already has this content${sameText(attrs!)}`
    return { changes: attrs!.changes, diff, reason }
  }

  let mode: number | undefined
  try {
    // A replaced file keeps its mode, as Ansible's atomic_move does.
    mode = wantedMode(args.mode, st) ?? (st.exists ? st.mode : undefined)
  } catch (e) {
    return { changes: [], diff: [], reason: '', error: (e as Error).message }
  }
  // The rename puts a file owned by the writer in place; root keeps the old owner instead.
  const keep = st.exists && euid === 0
  const owner = isSet(args.owner) ? args.owner : keep && st.uid !== 0 ? String(st.uid) : undefined
  const group = isSet(args.group) ? args.group : keep && st.gid !== 0 ? String(st.gid) : undefined

  const changes: Change[] = []
  if (args.backup && st.exists) changes.push(backupChange(path, backupKey))
  if (isSet(args.validate)) {
    const v = validateChange(path, content, args.validate, mode, owner, group)
    if (typeof v === 'string') return { changes: [], diff: [], reason: '', error: v }
    changes.push(v)
  } else {
    const put: Change = { kind: 'put', path, content }
    if (mode !== undefined) put.mode = formatMode(mode)
    if (owner !== undefined) put.owner = owner
    if (group !== undefined) put.group = group
    changes.push(put)
  }
  if (wantDiff) {
    const before = !st.exists ? '' : st.content !== undefined ? diffText(st.content) : '(content not read)\n'
    diff.push({ path, before, after: diffText(content) })
    if (attrs && attrs.before.length) diff.push(attrDiff(path, attrs.before, attrs.after))
  }
  return { changes, diff, reason: st.exists ? `update content of ${path}` : `create ${path}` }
}

export function attrDiff(path: string, before: string[], after: string[]): FileDiff {
  return { path: `${path} (attributes)`, before: before.map((l) => l + '\n').join(''), after: after.map((l) => l + '\n').join('') }
}

/** cp -p to "<path>.<pid>.<date>~" as Ansible names backups; the name comes back in `key`. */
export function backupChange(path: string, key = 'backup_file'): Change {
  const p = argPath(path)
  return {
    kind: 'exec',
    cmd: sh`b=$(printf '%s.%s.%s~' ${p} "$$" "$(date +%Y-%m-%d@%H:%M:%S)") && cp -p -- ${p} "$b" && printf '%s' "$b"`,
    parse: (r) => ({ [key]: r.stdout }),
  }
}

/**
 * Write to a temp file beside the destination, run the validate command on it, and rename it
 * over the destination only if that succeeds. The validate text is split into words like a
 * command line (no shell, as in Ansible) and '%s' becomes the temp file.
 */
export function validateChange(path: string, content: string | Buffer, validate: string, mode: number | undefined, owner?: string, group?: string): Change | string {
  if (!validate.includes('%s')) return `validate must contain %s: ${validate}`
  let words: string[]
  try {
    words = shlexSplit(validate, 'validate', 'validate')
  } catch (e) {
    return (e as Error).message
  }
  const cmd = words.map((w) => w.split('%s').map(quote).join('"$t"')).join(' ')
  const p = argPath(path)
  // mktemp makes 0600 files; a new file gets what the umask would give it.
  const chmod = mode !== undefined ? argv(['chmod', formatMode(mode), '--']) + ' "$t"' : `chmod "$(printf '%04o' $((0666 & ~0$(umask))))" -- "$t"`
  const spec = owner !== undefined && group !== undefined ? `${owner}:${group}` : owner ?? (group !== undefined ? `:${group}` : undefined)
  const chown = spec === undefined ? '' : sh` && chown ${spec} --` + ' "$t"'
  const lines = [
    sh`t=$(mktemp -- ${dirOf(p) + '/.tsplay-XXXXXX'}) || exit 1`,
    `trap 'rm -f -- "$t"' EXIT`,
    sh`cat > "$t" && ${raw(chmod)}${raw(chown)} && ${raw(cmd)} && mv -f -- "$t" ${p}`,
  ]
  return { kind: 'exec', cmd: lines.join('\n'), stdin: content }
}
