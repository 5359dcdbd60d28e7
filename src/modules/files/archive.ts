// archive: pack paths (globs allowed) into a tar.gz/bz2/xz, tar or zip, or compress one file,
// keeping numeric owners and modes; changed only when the archive's member listing would differ.
import { argv, quote, raw, sh } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import { defineModule, type Change, type Plan } from '../module.js'
import { planAttrs, sameText } from './attrs.js'
import { statPaths, type PathState } from './gather.js'
import { formatMode, resolveMode, type ModeArg } from './mode.js'
import { argPath, dirOf, isSet, sha1 } from './paths.js'
import { attrDiff } from './write.js'
import { read } from '../read.js'

type Format = 'gz' | 'bz2' | 'xz' | 'tar' | 'zip'

export interface ArchiveArgs {
  path: string | string[]
  dest?: string | null
  format: Format
  exclude_path: string[]
  force_archive: boolean
  remove: boolean
  owner?: string | null
  group?: string | null
  mode?: ModeArg | null
}

/** One path from `path`/`exclude_path` after glob expansion on the target. */
export interface Expanded {
  path: string
  exclude: boolean
  isDir: boolean
}

export interface ArchiveState {
  euid: number
  hasZip: boolean
  /** Expanded paths that exist; `missing` lists the non-glob ones that do not. */
  expanded: Expanded[]
  missing: string[]
  hadGlob: boolean
  dest: PathState
  destDir: PathState
  /** Normalized `tar -tvv` lines of what the sources would make; null when not gathered. */
  source: string[] | null
  /** The same for the existing archive (null: no archive, or unreadable). */
  current: string[] | null
  /** zip: manifest recorded in the archive comment. Single file: sha1 of the uncompressed data. */
  currentSum?: string | null
  sourceSum?: string | null
}

const TAR_FLAG: Record<Format, string[]> = { gz: ['-z'], bz2: ['-j'], xz: ['-J'], tar: [], zip: [] }
const TOOL: Record<string, string> = { gz: 'gzip', bz2: 'bzip2', xz: 'xz' }
/** Listing options shared by both sides, so the same tar prints sources and archive alike. */
const LIST = ['--numeric-owner', '--full-time', '--utc', '--quoting-style=escape']
const DIFF_LINES = 500

const list = (p: string | string[]): string[] => (Array.isArray(p) ? p : [p]).map((x) => (x.length > 1 ? x.replace(/\/+$/, '') : x))
const isGlob = (p: string): boolean => /[*?[]/.test(p)

/** Ansible's common_path: the folder all sources share; members are named relative to it. */
export function commonRoot(paths: string[]): string {
  const dirs = paths.map((p) => dirOf(p).replace(/\/?$/, '/'))
  let pre = dirs[0] ?? '/'
  for (const d of dirs) while (!d.startsWith(pre)) pre = pre.slice(0, -1)
  const root = pre.slice(0, pre.lastIndexOf('/') + 1)
  return root || '/'
}

/** What Ansible would decide: the sources, their root, whether this is an archive, where it goes. */
export function layout(args: ArchiveArgs, st: Pick<ArchiveState, 'expanded' | 'hadGlob'>) {
  const excluded = new Set(st.expanded.filter((e) => e.exclude).map((e) => e.path))
  const targets = st.expanded.filter((e) => !e.exclude && !excluded.has(e.path)).sort((a, b) => (a.path < b.path ? -1 : 1))
  const root = commonRoot(targets.map((t) => t.path))
  const archive = args.force_archive || st.hadGlob || targets.length > 1 || !!targets[0]?.isDir || args.format === 'tar' || args.format === 'zip'
  const dest = args.dest ?? `${list(args.path)[0]}.${args.format}`
  const rel = (p: string) => p.slice(root.length) || '.'
  const excludes = [...excluded].filter((p) => p.startsWith(root)).map(rel)
  // The archive and its temp folder must never be packed into themselves.
  for (const p of [dest, tmpOf(dest)]) if (p.startsWith(root)) excludes.push(rel(p))
  return { targets, root, archive, dest, rels: targets.map((t) => rel(t.path)), excludes }
}

const tmpOf = (dest: string) => `${dirOf(dest)}/.${dest.slice(dirOf(dest).length + 1)}.tsplay-tmp`

/** tar options naming the sources: exact-name excludes, then the members relative to root. */
function tarSources(root: string, rels: string[], excludes: string[]): string {
  return sh`-C ${root} --no-wildcards --anchored ${excludes.map((e) => `--exclude=${e}`)} -- ${rels}`
}

/** `tar -tvv` lines in one form: fractional seconds and column padding removed. */
export function normalizeListing(out: string): string[] {
  const re = /^(\S+) (\S+) +(\S+) (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.\d+)? +(.*)$/
  return out.split('\n').filter((l) => l !== '').map((l) => {
    const m = re.exec(l)
    return m ? `${m[1]} ${m[2]} ${m[3]} ${m[4]} ${m[5]} ${m[6]}` : l
  })
}

function sectionLines(out: string, tag: string): string | null {
  const m = new RegExp(`^@${tag}\\n([\\s\\S]*?)^@end ${tag} (\\d+)$`, 'm').exec(out)
  return m && m[2] === '0' ? m[1]! : null
}

export const archive = defineModule<ArchiveArgs, ArchiveState>({
  name: 'archive',
  description: 'Pack files and trees into a tar (gz, bz2, xz) or zip archive, or compress a single file.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: ['string', 'array'], items: { type: 'string' }, description: 'Absolute path(s) or globs (*, ?, [..]) on the target to pack.' },
      dest: { type: ['string', 'null'], default: null, description: 'The archive to write; required for several paths, a glob or a directory. Default: <path>.<format>.' },
      format: { enum: ['gz', 'bz2', 'xz', 'tar', 'zip'], default: 'gz', description: 'tar.gz, tar.bz2, tar.xz, plain tar, or zip (needs the zip command on the target).' },
      exclude_path: { type: 'array', items: { type: 'string' }, default: [], description: 'Paths or globs left out: top-level sources, or anything below a source directory.' },
      force_archive: { type: 'boolean', default: false, description: 'Make an archive even of a single file (otherwise gz/bz2/xz just compress it).' },
      remove: { type: 'boolean', default: false, description: 'Remove the sources after they were archived.' },
      owner: { type: ['string', 'null'], default: null, description: 'Owner (name or uid) of the archive file; null keeps it.' },
      group: { type: ['string', 'null'], default: null, description: 'Group (name or gid) of the archive file; null keeps it.' },
      mode: { type: ['string', 'integer', 'null'], default: null, description: "Mode of the archive file ('0640', symbolic); null: umask for a new one, kept for a replaced one." },
    },
  },
  example: ['- name: Snapshot the mail spool before the migration', '  archive:', '    path: /var/mail/vhosts', '    dest: /root/vhosts-before.tar.xz', '    format: xz', '    exclude_path: [/var/mail/vhosts/tmp]', "    mode: '0600'"].join('\n'),

  async gather(args, ctx) {
    const paths = list(args.path)
    if ([...paths, ...args.exclude_path].some((p) => !p.startsWith('/'))) throw new TsplayError('archive: path and exclude_path must be absolute')
    const expand = (p: string, tag: string) =>
      isGlob(p)
        ? // Unquoted $g with IFS='' only expands the glob: no word splitting, no command substitution.
          sh`g=${p}; for f in $g; do if [ -e "$f" ] || [ -L "$f" ]; then e ${tag} "$f"; fi; done`
        : sh`f=${argPath(p)}; if [ -e "$f" ] || [ -L "$f" ]; then e ${tag} "$f"; else printf 'M '; printf '%s' "$f" | base64 | tr -d '\\n'; echo; fi`
    const script = [
      `IFS=''; echo "U $(id -u)"; command -v zip >/dev/null 2>&1 && echo Z`,
      `e() { printf 'E %s %s ' "$1" "$([ -d "$2" ] && echo d || echo f)"; printf '%s' "$2" | base64 | tr -d '\\n'; echo; }`,
      ...paths.map((p) => expand(p, 'p')),
      ...args.exclude_path.map((p) => expand(p, 'x')),
    ].join('\n')
    const r = await read(ctx, script, { what: 'expanding archive paths' })
    const st: ArchiveState = { euid: -1, hasZip: false, expanded: [], missing: [], hadGlob: paths.some(isGlob), dest: { path: '', exists: false }, destDir: { path: '', exists: false }, source: null, current: null }
    for (const line of r.stdout.split('\n')) {
      const f = line.split(' ')
      const name = (b64: string) => Buffer.from(b64, 'base64').toString('utf8')
      if (f[0] === 'U') st.euid = Number(f[1])
      else if (f[0] === 'Z') st.hasZip = true
      else if (f[0] === 'M') st.missing.push(name(f[1]!))
      else if (f[0] === 'E') st.expanded.push({ path: name(f[3]!).replace(/^\.\/(?=-)/, ''), exclude: f[1] === 'x', isDir: f[2] === 'd' })
    }
    const lay = layout(args, st)
    const { paths: ps } = await statPaths(ctx, [{ path: lay.dest }, { path: dirOf(lay.dest) }])
    st.dest = ps[0]!
    st.destDir = ps[1]!
    if (!lay.targets.length) return st
    const D = argPath(lay.dest)
    const parts: string[] = []
    const tarSrc = sh`tar -c -vv -f /dev/null ${LIST} ${raw(tarSources(lay.root, lay.rels, lay.excludes))}`
    if (lay.archive) parts.push(sh`echo @src; ${raw(tarSrc)} 2>/dev/null; r=$?; [ $r -le 1 ] && r=0; echo "@end src $r"`)
    if (lay.archive && args.format !== 'zip' && st.dest.exists) parts.push(sh`echo @cur; tar -t -vv ${LIST} -f ${D} 2>/dev/null; echo "@end cur $?"`)
    if (lay.archive && args.format === 'zip' && st.dest.exists) parts.push(sh`echo @sum; unzip -z ${D} 2>/dev/null | sed -n 's/^tsplay-manifest //p'; echo "@end sum 0"`)
    if (!lay.archive) {
      parts.push(sh`echo @ssum; sha1sum < ${argPath(lay.targets[0]!.path)} | cut -c1-40; echo "@end ssum $?"`)
      if (st.dest.exists) parts.push(sh`echo @sum; ${TOOL[args.format]!} -dc < ${D} 2>/dev/null | sha1sum | cut -c1-40; echo "@end sum 0"`)
    }
    const l = await read(ctx, ['export LC_ALL=C', ...parts].join('\n'), { okCodes: 'any' })
    const src = sectionLines(l.stdout, 'src')
    const cur = sectionLines(l.stdout, 'cur')
    st.source = src === null ? null : normalizeListing(src)
    st.current = cur === null ? null : normalizeListing(cur)
    if (lay.archive && args.format === 'zip') st.sourceSum = st.source ? sha1(st.source.join('\n')) : null
    if (!lay.archive) st.sourceSum = sectionLines(l.stdout, 'ssum')?.trim() || null
    st.currentSum = sectionLines(l.stdout, 'sum')?.trim() || null
    return st
  },

  plan(args, st, ctx) {
    const lay = layout(args, st)
    const data = {
      dest: lay.dest,
      dest_state: !lay.targets.length ? (st.dest.exists ? 'archive' : 'absent') : !lay.archive ? 'compress' : st.missing.length ? 'incomplete' : 'archive',
      archived: lay.targets.map((t) => t.path),
      missing: st.missing,
      arcroot: lay.root,
      expanded_paths: st.expanded.filter((e) => !e.exclude).map((e) => e.path),
      expanded_exclude_paths: st.expanded.filter((e) => e.exclude).map((e) => e.path),
    }
    if (!lay.targets.length) {
      // With remove: true the sources are gone after the first run; the archive stays as it is.
      if (st.dest.exists) return withAttrs(args, st, `no sources left; ${lay.dest} exists`, data, ctx.diff)
      return { changes: [], failed: `Error, no source paths were found: ${list(args.path).join(', ')}` }
    }
    if (lay.archive && !isSet(args.dest)) return { changes: [], failed: 'Error, must specify "dest" when archiving multiple files or trees' }
    if (args.format === 'zip' && !st.hasZip) return { changes: [], failed: 'format zip needs the zip command on the target, and it is not installed (apt package zip)' }
    if (!st.destDir.exists) return { changes: [], failed: `Destination directory ${dirOf(lay.dest)} does not exist` }
    if (st.dest.exists && st.dest.type === 'directory') return { changes: [], failed: `dest ${lay.dest} is a directory` }
    if (args.remove && lay.targets.some((t) => t.isDir && lay.dest.startsWith(t.path + '/'))) return { changes: [], failed: 'Error, created archive can not be contained in source paths when remove=true' }

    const same = lay.archive && args.format !== 'zip'
      ? st.current !== null && st.source !== null && sameLines(st.current, st.source)
      : st.currentSum !== null && st.currentSum !== undefined && st.currentSum === st.sourceSum
    if (same) return withAttrs(args, st, `${lay.dest} already holds ${lay.archive ? `these ${st.source!.length} members` : 'this content'}`, data, ctx.diff)

    let mode: string | undefined
    try {
      mode = isSet(args.mode) ? formatMode(resolveMode(args.mode, st.dest.mode ?? 0o644, false)) : undefined
    } catch (e) {
      return { changes: [], failed: (e as Error).message }
    }
    const changes: Change[] = [{ kind: 'exec', cmd: buildCmd(args, st, lay, mode) }]
    if (args.remove) changes.push({ kind: 'exec', cmd: argv(['rm', '-rf', '--', ...lay.targets.map((t) => argPath(t.path))]) })
    const plan: Plan = { changes, data, reason: `${st.dest.exists ? 'update' : 'create'} ${lay.dest} from ${lay.targets.length} source(s)` }
    if (ctx.diff) {
      const before = lay.archive ? (st.current ?? []) : st.currentSum ? [`content sha1 ${st.currentSum}`] : []
      const after = lay.archive ? (st.source ?? []) : [`content sha1 ${st.sourceSum}`]
      plan.diff = [{ path: `${lay.dest} (members)`, before: cap(before), after: cap(after) }]
    }
    return plan
  },
})

/** Member sets compare without order: tar walks directories in readdir order. */
function sameLines(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n')
}

function cap(lines: string[]): string {
  const shown = lines.slice(0, DIFF_LINES).map((l) => l + '\n').join('')
  return lines.length > DIFF_LINES ? `${shown}(${lines.length - DIFF_LINES} more members)\n` : shown
}

function withAttrs(args: ArchiveArgs, st: ArchiveState, why: string, data: Record<string, unknown>, wantDiff: boolean): Plan {
  const a = planAttrs(args, st.dest)
  if (a.error) return { changes: [], failed: a.error }
  if (!a.changes.length) return { changes: [], reason: `${why}${sameText(a)}`, data }
  const plan: Plan = { changes: a.changes, reason: `fix attributes of ${st.dest.path}`, data }
  if (wantDiff) plan.diff = [attrDiff(st.dest.path, a.before, a.after)]
  return plan
}

/** GNU tar's checkpoints as tsplay-progress lines on stderr: bytes written so far. */
export const TAR_PROGRESS = `--checkpoint=2560 '--checkpoint-action=echo=tsplay-progress bytes=%{w}T'`

/** Build into a private temp folder beside dest, then rename over it: dest is never half-written. */
function buildCmd(args: ArchiveArgs, st: ArchiveState, lay: ReturnType<typeof layout>, mode?: string): string {
  const D = argPath(lay.dest)
  const T = argPath(tmpOf(lay.dest))
  let make: string
  if (!lay.archive) make = sh`${TOOL[args.format]!} -c < ${argPath(lay.targets[0]!.path)} > "$t/a"`
  else if (args.format === 'zip') {
    // zip has no numeric-owner switch: it stores uid/gid in its Unix extra field anyway.
    const x = lay.excludes.length ? sh` -x ${lay.excludes}` : ''
    // zip appends .zip to a name without it, so the temp name has it already.
    make = sh`(cd ${argPath(lay.root)} && zip -r -y -q -nw "$t/a.zip" -- ${lay.rels}${raw(x)}) && printf '%s\\n' ${'tsplay-manifest ' + st.sourceSum} | zip -q -z "$t/a.zip" && mv -- "$t/a.zip" "$t/a"`
  } else {
    // rc 1 is "file changed as we read it": the archive is complete, a live spool is no error.
    // Every 25 MiB tar tells the runner how far it got (a progress event; see docs/events.md).
    make = sh`{ tar -c ${TAR_FLAG[args.format]} --numeric-owner ${raw(TAR_PROGRESS)} -f "$t/a" ${raw(tarSources(lay.root, lay.rels, lay.excludes))}; [ $? -le 1 ]; }`
  }
  // A replaced archive keeps its mode and (as root) its owner, as Ansible writes it in place.
  const keep = st.dest.exists ? sh` && chmod --reference=${D} "$t/a"${raw(st.euid === 0 ? sh` && chown --reference=${D} "$t/a"` : '')}` : ''
  const m = mode !== undefined ? sh` && chmod ${mode} "$t/a"` : ''
  const spec = isSet(args.owner) && isSet(args.group) ? `${args.owner}:${args.group}` : isSet(args.owner) ? args.owner : isSet(args.group) ? `:${args.group}` : undefined
  const own = spec !== undefined ? sh` && chown ${spec} "$t/a"` : ''
  return [
    sh`t=${T}; rm -rf -- "$t" && mkdir -m 700 -- "$t" || exit 1`,
    `trap 'rm -rf -- "$t"' EXIT`,
    `${make}${keep}${own}${m} && mv -f -- "$t/a" ${quote(D)}`,
  ].join('\n')
}
