// unarchive: extract a tar archive (from the controller or the target) into an existing folder,
// keeping numeric owners and modes; changed only when `tar --diff` finds the tree differs.
import { readFileSync } from 'node:fs'
import { argv, raw, sh } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import { defineModule, type Change, type Plan } from '../module.js'
import { statPaths } from './gather.js'
import { formatMode, resolveMode, type ModeArg } from './mode.js'
import { sameId } from './attrs.js'
import { argPath, isSet, joinPath, sha1 } from './paths.js'
import { read } from '../read.js'

export interface UnarchiveArgs {
  src: string
  dest: string
  remote_src: boolean
  creates?: string | null
  owner?: string | null
  group?: string | null
  mode?: ModeArg | null
  keep_newer: boolean
  list_files: boolean
  extra_opts: string[]
  exclude: string[]
}

/** Owner and mode of a member already in dest, for owner/group/mode. */
export interface MemberAttrs {
  name: string
  type: 'dir' | 'link' | 'other'
  mode: number
  uid: number
  gid: number
  owner: string
  group: string
}

export interface UnarchiveState {
  euid: number
  /** `creates` exists: nothing to do. */
  created?: boolean
  destExists: boolean
  destIsDir: boolean
  /** Controller src, base64 (uploaded by a put); absent for remote_src. */
  source?: string
  /** Member names as extraction would name them; null when tar could not read the archive. */
  members: string[] | null
  /** Type letter (- d l h...) and mode of each member as archived, in the same order. */
  kinds?: Array<{ type: string; mode: number }>
  /** `tar --diff` output lines (stdout and stderr) and its exit code. */
  diff: string[]
  diffRc: number
  diffErr?: string
  /** Stat of members present in dest, gathered only when owner/group/mode are set. */
  attrs?: MemberAttrs[]
}

/** tar lines that are notices, not differences. */
const NOTICE = /^tar: (Removing leading|Substituting )/

/** Undo tar's --quoting-style=escape (run under LC_ALL=C: every non-ASCII byte is \ooo). */
export function unescapeTar(s: string): string {
  const bytes: number[] = []
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7, b: 8, '\\': 92, '?': 63, '"': 34, "'": 39, ' ': 32 }
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (c !== '\\' || i + 1 === s.length) bytes.push(...Buffer.from(c, 'utf8'))
    else if (/[0-7]/.test(s[i + 1]!)) {
      const oct = /^[0-7]{1,3}/.exec(s.slice(i + 1))![0]
      bytes.push(parseInt(oct, 8))
      i += oct.length
    } else bytes.push(simple[s[++i]!] ?? s.charCodeAt(i))
  }
  return Buffer.from(bytes).toString('utf8')
}

/** Options shared by --diff, --extract and the listing, so all three see the same members. */
function tarOpts(args: UnarchiveArgs): string {
  return argv(['--numeric-owner', ...(args.keep_newer ? ['--keep-newer-files'] : []), ...args.exclude.map((e) => `--exclude=${e}`), ...args.extra_opts])
}

export const unarchive = defineModule<UnarchiveArgs, UnarchiveState>({
  name: 'unarchive',
  description: 'Extract a tar archive (gz, bz2, xz, zstd) into an existing folder, keeping numeric owners and modes.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', description: "The archive: a file of the role's files/ or the playbook folder, or with remote_src a path on the target." },
      dest: { type: 'string', description: 'Existing folder on the target to extract into.' },
      remote_src: { type: 'boolean', default: false, description: 'src is already on the target (otherwise it is uploaded from the controller).' },
      creates: { type: ['string', 'null'], default: null, description: 'When this path exists on the target, do nothing.' },
      owner: { type: ['string', 'null'], default: null, description: "Owner (name or uid) of every extracted path; null keeps the archive's numeric owners (as root)." },
      group: { type: ['string', 'null'], default: null, description: "Group (name or gid) of every extracted path; null keeps the archive's." },
      mode: { type: ['string', 'integer', 'null'], default: null, description: "Mode of every extracted path ('u=rwX,g=rX,o=' suits trees); null keeps the archive's modes." },
      keep_newer: { type: 'boolean', default: false, description: 'Do not replace files in dest that are newer than the archived ones (--keep-newer-files).' },
      list_files: { type: 'boolean', default: false, description: "Return the archive's member names in `files`." },
      extra_opts: { type: 'array', items: { type: 'string' }, default: [], description: "Extra tar options, one per item (e.g. ['--strip-components=1'])." },
      exclude: { type: 'array', items: { type: 'string' }, default: [], description: 'Member names or patterns not to extract (tar --exclude).' },
    },
  },
  example: ['- name: Restore the mail spool snapshot', '  unarchive:', '    src: /root/vhosts-before.tar.xz', '    dest: /var/mail', '    remote_src: true', '    creates: /var/mail/vhosts/.restored'].join('\n'),

  async gather(args, ctx) {
    const reqs = [{ path: args.dest }, ...(isSet(args.creates) ? [{ path: args.creates }] : [])]
    const { uid, paths } = await statPaths(ctx, reqs)
    const st: UnarchiveState = { euid: uid, destExists: paths[0]!.exists, destIsDir: paths[0]!.type === 'directory', members: null, diff: [], diffRc: 0 }
    if (paths[1]?.exists) return { ...st, created: true }
    let bytes: Buffer | undefined
    if (!args.remote_src) {
      bytes = readFileSync(ctx.findFile('files', args.src))
      st.source = bytes.toString('base64')
    }
    // tar cannot sniff the compression of a pipe, so a streamed archive names it.
    const F = args.remote_src ? sh`-f ${argPath(args.src)}` : sh`${compressionFlag(bytes!)} -f -`
    // Names under LC_ALL=C are ASCII with \ooo escapes, so they survive any transport intact.
    // -v for each member's type and mode; c quoting puts the name in "..." so ' -> ' cannot confuse it.
    const listCmd = sh`LC_ALL=C tar -t -v --quoting-style=c --show-transformed-names ${raw(tarOpts(args))} ${raw(F)}`
    const listed = args.remote_src ? await read(ctx, listCmd, { okCodes: 'any' }) : await read(ctx, listCmd, { conn: ctx.controller, noBecome: true, stdin: bytes!, okCodes: 'any' })
    if (listed.rc === 0) {
      const rows = listed.stdout.split('\n').filter((l) => l !== '').map(parseListing)
      st.members = rows.map((r) => r.name)
      st.kinds = rows.map((r) => ({ type: r.type, mode: r.mode }))
    }
    else if (args.remote_src && /No such file|Cannot open/.test(listed.stderr)) throw new TsplayError(`Source '${args.src}' does not exist or cannot be read`)
    if (!st.members || !st.destIsDir) return st
    const d = await read(ctx, sh`LC_ALL=C tar -d -C ${argPath(args.dest)} ${raw(tarOpts(args))} ${raw(F)} 2>&1`, { stdin: bytes, okCodes: 'any' })
    st.diff = d.stdout.split('\n').filter((l) => l !== '')
    st.diffRc = d.rc ?? 2
    if (st.diffRc > 1) st.diffErr = d.stdout.trim()
    if (isSet(args.owner) || isSet(args.group) || isSet(args.mode)) {
      // Paths travel NUL-separated on stdin: data, never shell text. %n last: a name may hold spaces.
      const input = st.members.map((m) => memberPath(args.dest, m)).filter((p): p is string => !!p).join('\0')
      const s = await read(ctx, `xargs -0 -r stat --printf '%f %u %g %U %G %n\\0' -- 2>/dev/null; true`, { stdin: input, okCodes: 'any' })
      st.attrs = s.stdout.split('\0').filter((r) => r !== '').map(parseAttrs(args.dest))
    }
    return st
  },

  plan(args, st, ctx) {
    const data: Record<string, unknown> = { dest: args.dest, src: args.src, handler: 'TgzArchive' }
    if (st.created) return { changes: [], reason: `skipped, since ${args.creates} exists`, data }
    if (!st.destIsDir) return { changes: [], failed: `dest '${args.dest}' must be an existing dir` }
    if (!st.members) return { changes: [], failed: `Failed to find handler for "${args.src}": GNU tar cannot read it (unarchive handles tar, tar.gz, tar.bz2, tar.xz, tar.zst)` }
    if (st.diffErr !== undefined) return { changes: [], failed: `tar --diff failed with exit code ${st.diffRc} on ${args.src}\n${st.diffErr}` }
    if (args.list_files) data.files = st.members
    const root = st.euid === 0
    const differs = st.diff.filter((l) => {
      if (/: Mode differs$/.test(l)) return !isSet(args.mode)
      // Only root can give files the archive's owners; owner/group are set afterwards anyway.
      if (/: Uid differs$/.test(l)) return root && !isSet(args.owner)
      if (/: Gid differs$/.test(l)) return root && !isSet(args.group)
      return !NOTICE.test(l)
    })
    const extract = differs.length > 0
    const changes: Change[] = []
    if (extract) changes.push(...extractChanges(args, st))
    const attrs = attrChanges(args, st, extract)
    if (typeof attrs === 'string') return { changes: [], failed: attrs }
    changes.push(...attrs.changes)
    if (!changes.length) return { changes: [], reason: `${args.dest} already has the ${st.members.length} members of ${args.src}`, data }
    const plan: Plan = { changes, data, reason: extract ? `extract ${args.src} into ${args.dest}` : `fix owner/group/mode of ${attrs.count} extracted paths` }
    if (ctx.diff) {
      const after = extract ? [`${st.members.length} members extracted from ${args.src}`] : []
      if (attrs.count) after.push(`owner/group/mode set on ${attrs.count} paths`)
      plan.diff = [{ path: `${args.dest} (unarchive)`, before: [...differs, ...attrs.before].map((l) => l + '\n').join(''), after: after.map((l) => l + '\n').join('') }]
    }
    return plan
  },
})

/** One `tar -tv --quoting-style=c` line: type letter, mode bits (rwsrwxrwt), name. */
export function parseListing(line: string): { type: string; mode: number; name: string } {
  const m = /^(\S)(\S{9}) \S+ +\S+ \S+ \S+ +"((?:[^"\\]|\\.)*)"/.exec(line)
  if (!m) return { type: '?', mode: 0, name: line }
  let mode = 0
  m[2]!.split('').forEach((c, i) => {
    if (c !== '-' && c !== 'S' && c !== 'T') mode |= 1 << (8 - i)
    if ((c === 's' || c === 'S') && i === 2) mode |= 0o4000
    if ((c === 's' || c === 'S') && i === 5) mode |= 0o2000
    if (c === 't' || c === 'T') mode |= 0o1000
  })
  return { type: m[1]!, mode, name: unescapeTar(m[3]!) }
}

/** The compression switch for an archive read from a pipe, from its magic bytes. */
export function compressionFlag(b: Buffer): string[] {
  const hex = b.subarray(0, 6).toString('hex')
  if (hex.startsWith('1f8b')) return ['-z']
  if (hex.startsWith('425a68')) return ['-j']
  if (hex === 'fd377a585a00') return ['-J']
  if (hex.startsWith('28b52ffd')) return ['--zstd']
  return []
}

/** dest/member, or undefined for a member tar would refuse (.. in its path). */
function memberPath(dest: string, member: string): string | undefined {
  const m = member.replace(/^\/+/, '').replace(/\/+$/, '')
  if (m.split('/').includes('..')) return undefined
  const p = m === '' || m === '.' ? dest : joinPath(dest, m)
  return argPath(p)
}

const parseAttrs = (dest: string) => (rec: string): MemberAttrs => {
  const f = rec.split(' ')
  const raw = parseInt(f[0]!, 16)
  const type = (raw & 0o170000) === 0o040000 ? 'dir' : (raw & 0o170000) === 0o120000 ? 'link' : 'other'
  return { type, mode: raw & 0o7777, uid: Number(f[1]), gid: Number(f[2]), owner: f[3]!, group: f[4]!, name: f.slice(5).join(' ') || dest }
}

function extractChanges(args: UnarchiveArgs, st: UnarchiveState): Change[] {
  const D = argPath(args.dest)
  // -p keeps the archive's modes; as root tar also keeps owners (--same-owner), numeric here.
  const x = (f: string) => sh`tar -x -p -C ${D} ${raw(tarOpts(args))} -f ${f}`
  if (args.remote_src) return [{ kind: 'exec', cmd: x(argPath(args.src)) }]
  const bytes = Buffer.from(st.source ?? '', 'base64')
  const tmp = joinPath(args.dest, `.tsplay-unarchive-${sha1(bytes).slice(0, 16)}.tar`)
  return [
    { kind: 'put', path: tmp, content: bytes, mode: '0600' },
    { kind: 'exec', cmd: `${x(argPath(tmp))}; r=$?; ${sh`rm -f -- ${argPath(tmp)}`}; exit $r` },
  ]
}

/** chown/chmod for owner/group/mode: every member after an extraction, else those that differ. */
function attrChanges(args: UnarchiveArgs, st: UnarchiveState, all: boolean): { changes: Change[]; before: string[]; count: number } | string {
  const out = { changes: [] as Change[], before: [] as string[], count: 0 }
  if (!isSet(args.owner) && !isSet(args.group) && !isSet(args.mode)) return out
  const known = new Map((st.attrs ?? []).map((a) => [a.name, a]))
  const chown: string[] = []
  const chmod = new Map<string, string[]>()
  for (const [i, m] of (st.members ?? []).entries()) {
    const p = memberPath(args.dest, m)
    if (!p) continue
    // After an extraction a path has the archive's type and mode; otherwise what is on disk.
    const k = st.kinds?.[i] ?? { type: m.endsWith('/') ? 'd' : '-', mode: 0o644 }
    const a = known.get(p)
    const cur = all ? undefined : a
    const ownDiffers = (isSet(args.owner) && !sameId(args.owner, a?.uid, a?.owner)) || (isSet(args.group) && !sameId(args.group, a?.gid, a?.group))
    if ((all || ownDiffers) && (isSet(args.owner) || isSet(args.group))) chown.push(p)
    const isDir = cur ? cur.type === 'dir' : k.type === 'd'
    if (isSet(args.mode) && (cur ? cur.type !== 'link' : k.type !== 'l')) {
      let want: number
      try {
        want = resolveMode(args.mode, cur?.mode ?? k.mode, isDir)
      } catch (e) {
        return (e as Error).message
      }
      // GNU chmod keeps a directory's setgid bit unless the octal mode has 5 digits.
      const key = (isDir ? '0' : '') + formatMode(want)
      if (all || want !== a?.mode) chmod.set(key, [...(chmod.get(key) ?? []), p])
      if (!all && a && want !== a.mode) out.before.push(`${a.name}: mode ${formatMode(a.mode)}`)
    }
    if (!all && ownDiffers) out.before.push(`${a?.name ?? p}: owner ${a?.owner ?? '?'}:${a?.group ?? '?'}`)
  }
  const spec = isSet(args.owner) && isSet(args.group) ? `${args.owner}:${args.group}` : isSet(args.owner) ? args.owner : `:${args.group}`
  // Chunks keep each command line well under ARG_MAX.
  for (let i = 0; i < chown.length; i += 500) out.changes.push({ kind: 'exec', cmd: argv(['chown', '-h', spec!, '--', ...chown.slice(i, i + 500)]) })
  for (const [mode, ps] of chmod) for (let i = 0; i < ps.length; i += 500) out.changes.push({ kind: 'exec', cmd: argv(['chmod', mode, '--', ...ps.slice(i, i + 500)]) })
  out.count = new Set([...chown, ...[...chmod.values()].flat()]).size
  return out
}
