// find: list files on the target by name pattern, type, age, size and content, with Ansible's
// result (files: stat-like entries, matched, examined, skipped_paths). Never changes anything.
import { sh } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import { isPyRegexFailure, pyRegex } from '../../util/pyregex.js'
import { defineModule, type ModuleContext } from '../module.js'
import { argPath } from './paths.js'
import { findEntry, fnmatch, parseFindOutput, type FindEntry } from './find-entry.js'
import { read } from '../read.js'

export interface FindArgs {
  paths: string[] | string
  patterns: string[] | string
  excludes?: string[] | string | null
  contains?: string | null
  file_type: 'file' | 'directory' | 'link' | 'any'
  recurse: boolean
  depth?: number | null
  hidden: boolean
  follow: boolean
  age?: string | null
  age_stamp: 'atime' | 'mtime' | 'ctime'
  size?: string | null
  use_regex: boolean
  get_checksum: boolean
}

interface FindState {
  entries: FindEntry[]
  skipped: Record<string, string>
  /** Files whose content matched `contains` (read only when contains is set). */
  containing?: string[]
}

const list = (v: string[] | string | null | undefined): string[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : v.split(',').map((s) => s.trim()).filter((s) => s !== ''))

export const find = defineModule<FindArgs, FindState>({
  name: 'find',
  description: 'Find files by name pattern, type, age, size or content, as Ansible does; returns them in files.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths'],
    properties: {
      paths: { type: ['array', 'string'], items: { type: 'string' }, aliases: ['name', 'path'], description: 'Folders to search (a list or comma-separated).' },
      patterns: { type: ['array', 'string'], items: { type: 'string' }, default: [], aliases: ['pattern'], description: 'Base names to match: shell globs, or Python regexes with use_regex. None: everything.' },
      excludes: { type: ['array', 'string', 'null'], items: { type: 'string' }, default: null, aliases: ['exclude'], description: 'Base names to leave out (same syntax as patterns).' },
      contains: { type: ['string', 'null'], default: null, description: 'Only files with a line matching this Python regex.' },
      file_type: { enum: ['file', 'directory', 'link', 'any'], default: 'file', description: 'What kind of entries to return.' },
      recurse: { type: 'boolean', default: false, description: 'Descend into subfolders.' },
      depth: { type: ['integer', 'null'], minimum: 1, default: null, description: 'With recurse: how many levels down (1: the folder itself).' },
      hidden: { type: 'boolean', default: false, description: "Include names starting with '.'." },
      follow: { type: 'boolean', default: false, description: 'Follow symlinks.' },
      age: { type: ['string', 'null'], default: null, description: "At least this old ('2d', '4w'; units s m h d w), or with a leading '-' at most this old." },
      age_stamp: { enum: ['atime', 'mtime', 'ctime'], default: 'mtime', description: 'Which time age compares.' },
      size: { type: ['string', 'null'], default: null, description: "At least this size ('10m'; units b k m g t), or with a leading '-' at most." },
      use_regex: { type: 'boolean', default: false, description: 'patterns/excludes are Python regexes (matched at the start) instead of globs.' },
      get_checksum: { type: 'boolean', default: false, description: 'Add the sha1 checksum of each file.' },
    },
  },
  example: ['- find:', '    paths: /var/log', "    patterns: '*.gz'", '    age: 4w', '  register: old_logs'].join('\n'),
  async gather(args, ctx) {
    const now = Date.now() / 1000
    const state: FindState = { entries: [], skipped: {} }
    const match = matcher(args, now)
    for (const path of list(args.paths)) {
      const r = await read(ctx, findScript(path, args), { okCodes: 'any' })
      if (r.rc === 3) {
        state.skipped[path] = `${path} was skipped as it does not appear to be a valid directory`
        continue
      }
      if (r.rc !== 0 && r.stdout === '') throw new TsplayError(`find in ${path} failed: ${r.stderr.trim()}`)
      state.entries.push(...parseFindOutput(r.stdout).filter(match))
    }
    if (args.contains) state.containing = await linesMatching(ctx, state.entries, args.contains)
    return state
  },
  plan(args, st) {
    const files = st.entries.filter((e) => st.containing === undefined || st.containing.includes(e.path)).map((e) => findEntry(e, args.get_checksum))
    const skipped = Object.values(st.skipped)
    const msg = skipped.length ? `Not all paths examined, check warnings for details` : 'All paths examined'
    return { changes: [], reason: `${files.length} matched`, msg, data: { files, matched: files.length, examined: st.entries.length, skipped_paths: st.skipped } }
  },
})

/** One find(1) run: every entry below path with the stat fields; exit 3 when path is no folder. */
function findScript(path: string, a: FindArgs): string {
  const max = a.recurse ? (a.depth ? ` -maxdepth ${Math.floor(a.depth)}` : '') : ' -maxdepth 1'
  const fmt = '%y\\t%m\\t%U\\t%G\\t%s\\t%A@\\t%T@\\t%C@\\t%i\\t%n\\t%D\\t%u\\t%g\\t%p\\0'
  const sum = a.get_checksum ? ` -exec sh -c 'printf "C\\t%s\\0" "$(sha1sum < "$1" | cut -c1-40)"' _ {} \\;` : ''
  return sh`p=${argPath(path)}; [ -d "$p" ] || exit 3; find ${a.follow ? ['-L'] : []} "$p" -mindepth 1` + `${max} -printf '${fmt}'` + (sum ? ` -type f${sum}` : '')
}

/** Name, type, hidden, age and size filters (contains needs the content, read afterwards). */
function matcher(a: FindArgs, now: number): (e: FindEntry) => boolean {
  const compile = (p: string): RegExp => {
    if (!a.use_regex) return fnmatch(p)
    const re = pyRegex(p, { anchored: true })
    if (isPyRegexFailure(re)) throw new TsplayError(`invalid pattern '${p}': ${re.error}`)
    return re
  }
  const patterns = list(a.patterns).map(compile)
  const excludes = list(a.excludes).map(compile)
  const age = a.age ? amount(a.age, { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }, 'age') : undefined
  const size = a.size ? amount(a.size, { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }, 'size') : undefined
  return (e) => {
    const base = e.path.slice(e.path.lastIndexOf('/') + 1)
    if (!a.hidden && base.startsWith('.')) return false
    if (a.file_type !== 'any' && e.kind !== a.file_type) return false
    if (patterns.length && !patterns.some((re) => re.test(base))) return false
    if (excludes.some((re) => re.test(base))) return false
    if (age !== undefined) {
      const t = now - e[a.age_stamp]
      if (age >= 0 ? t < age : t > -age) return false
    }
    if (size !== undefined && (size >= 0 ? e.size < size : e.size > -size)) return false
    return true
  }
}

function amount(v: string, units: Record<string, number>, what: string): number {
  const m = /^(-?\d+)([a-z]?)$/i.exec(v.trim())
  const unit = m?.[2]?.toLowerCase() || Object.keys(units)[0]!
  if (!m || !(unit in units)) throw new TsplayError(`invalid ${what} '${v}': use a number with one of the units ${Object.keys(units).join(' ')}`)
  return Number(m[1]) * units[unit]!
}

/** Which of the files have a line matching the Python regex (read on the target, base64). */
async function linesMatching(ctx: ModuleContext, entries: FindEntry[], contains: string): Promise<string[]> {
  const re = pyRegex(contains, { anchored: true }) // Ansible's contentfilter uses re.match
  if (isPyRegexFailure(re)) throw new TsplayError(`invalid contains '${contains}': ${re.error}`)
  const out: string[] = []
  for (const e of entries.filter((x) => x.kind === 'file')) {
    const r = await read(ctx, sh`base64 -w0 < ${argPath(e.path)}`, { okCodes: 'any' })
    if (r.rc !== 0) continue
    if (Buffer.from(r.stdout, 'base64').toString('utf8').split('\n').some((l) => re.test(l))) out.push(e.path)
  }
  return out
}
