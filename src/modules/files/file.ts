// file: make a path a file, directory, symlink or hard link, remove it, or touch it, and set its
// owner/group/mode (recursively for directories), with Ansible's rules for each state.
import type { Change, Plan } from '../module.js'
import { defineModule } from '../module.js'
import { argv } from '../../connection/quote.js'
import { planAttrs } from './attrs.js'
import { planChattr } from './chattr.js'
import { gatherAt, gatherExtras, kindOf, wantedState, wishes, type FileArgs, type FileState, type FileStateName } from './file-state.js'
import { DEFAULT_TIME_FORMAT, planTimes } from './file-times.js'
import type { PathState } from './gather.js'
import { formatMode, resolveMode } from './mode.js'
import { argPath, baseOf, isSet, joinPath } from './paths.js'
import { attrDiff } from './write.js'

export const file = defineModule<FileArgs, FileState>({
  name: 'file',
  description: 'Manage a path: file attributes, directory, symlink, hard link, absent or touch.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', aliases: ['dest', 'name'], description: 'Path on the target to manage.' },
      state: {
        enum: ['file', 'directory', 'link', 'hard', 'absent', 'touch', null],
        default: null,
        description: "file: set attributes of an existing file (never creates); directory: create with parents; link/hard: make a symlink/hard link to src; absent: remove (recursively); touch: create or update times. null: the path's current kind, else 'file' ('directory' with recurse).",
      },
      src: { type: ['string', 'null'], default: null, description: "What the link points to (state link or hard); a relative symlink src is relative to the link's folder." },
      owner: { type: ['string', 'null'], default: null, description: 'User name or uid to own the path; null keeps it.' },
      group: { type: ['string', 'null'], default: null, description: 'Group name or gid; null keeps it.' },
      mode: { type: ['string', 'integer', 'null'], default: null, description: "Mode: '0644', symbolic 'u=rwX,g=rX,o=', or an integer taken as the numeric mode (420 = 0644). null keeps it." },
      recurse: { type: 'boolean', default: false, description: 'With state directory: apply owner/group/mode to everything below too.' },
      force: { type: 'boolean', default: false, description: 'For link/hard: replace an existing file (or empty directory) at path, and allow a symlink to a missing src.' },
      follow: { type: 'boolean', default: true, description: 'For file/directory: when path is a symlink, act on what it points to.' },
      modification_time: { type: ['string', 'null'], default: null, description: "'now', 'preserve', or a time in modification_time_format (YYYYMMDDHHMM.SS by default). Left out: 'now' for touch, else 'preserve'. Changed only when the path's time differs." },
      modification_time_format: { type: 'string', default: DEFAULT_TIME_FORMAT, description: 'How modification_time is written: a strptime format (%Y %y %m %d %H %I %p %M %S %b %B %%), read as local time on the target.' },
      access_time: { type: ['string', 'null'], default: null, description: "'now', 'preserve', or a time in access_time_format. Left out: 'now' for touch, else 'preserve'." },
      access_time_format: { type: 'string', default: DEFAULT_TIME_FORMAT, description: 'How access_time is written (see modification_time_format).' },
      attributes: { type: ['string', 'null'], aliases: ['attr'], default: null, description: "Filesystem attributes as lsattr shows them, set with chattr: '+i' adds, '-i' removes, 'i' or '=i' makes them exactly these (flags chattr cannot change, like e, are not compared). A filesystem without them fails the task with chattr's error." },
      _diff_peek: { type: ['boolean', 'null'], default: null, description: "Ansible's internal probe: only report appears_binary (a NUL byte in the first 8 KiB); changes nothing." },
    },
  },
  example: ['- name: Mail spool folder', '  file:', '    path: /var/mail/vhosts', '    state: directory', '    owner: vmail', "    mode: 'u=rwX,g=rX,o='", '    recurse: true'].join('\n'),
  async gather(args, ctx) {
    let st = await gatherAt(args.path, args, ctx)
    // Ansible puts a file, touch or hard link "into" an existing directory, named after src.
    if (isSet(args.src) && args.state !== 'link' && args.state !== 'absent' && st.followed?.type === 'directory') st = await gatherAt(joinPath(args.path, baseOf(args.src)), args, ctx)
    if (args._diff_peek === undefined || args._diff_peek === null) await gatherExtras(st.path.path, args, st, ctx)
    return st
  },
  plan(argsIn, st, ctx) {
    const args = st.path.path === argsIn.path ? argsIn : { ...argsIn, path: st.path.path }
    if (args._diff_peek !== undefined && args._diff_peek !== null) return { changes: [], reason: 'peeked', data: { path: args.path, appears_binary: !!st.binary } }

    const p = st.path
    const prev = kindOf(p)
    const state = wantedState(args, prev)
    if (args.recurse && state !== 'directory') return fail("recurse option requires state to be 'directory'")
    if (isSet(args.src) && state !== 'link' && state !== 'hard') return fail("src option requires state to be 'link' or 'hard'")
    const P = argPath(args.path)
    const follow = args.follow !== false
    const out: Built = { changes: [], before: [`state: ${prev}`], after: [`state: ${state}`] }
    const data = { path: args.path, state }

    switch (state) {
      case 'absent':
        if (prev === 'absent') return { changes: [], reason: `${args.path} is already absent`, data }
        out.changes.push({ kind: 'exec', cmd: argv(['rm', '-rf', '--', P]) })
        break
      case 'file': {
        if (prev === 'absent') return fail(`file (${args.path}) is absent, cannot continue`)
        const t = follow && prev === 'link' ? st.followed : p
        if (!t || !t.exists || (t.type !== 'file' && !(t.type === 'link' && !follow))) return fail(`file (${args.path}) is ${t?.exists ? kindOf(t) : 'absent'}, cannot continue`)
        if (attrs(args, { ...t, path: args.path }, out, false)) return fail(out.error!)
        break
      }
      case 'directory': {
        if (prev === 'absent') {
          // Like Ansible, every folder this creates (parents too) gets mode/owner/group.
          const withAttrs = isSet(args.mode) || isSet(args.owner) || isSet(args.group)
          out.changes.push({ kind: 'exec', cmd: withAttrs ? mkdirEach(P, args) : argv(['mkdir', '-p', '--', P]) })
          if (withAttrs) newAttrs(args, P, 0o755, true, { changes: [], before: [], after: out.after })
          break
        }
        const t = follow && prev === 'link' ? st.followed : p
        if (!t?.exists || t.type !== 'directory') return fail(`${args.path} already exists as a ${prev}`)
        if (attrs(args, { ...t, path: args.path }, out, !!args.recurse)) return fail(out.error!)
        break
      }
      case 'link': {
        if (!isSet(args.src)) return fail('src is required for creating new symlinks')
        if (!st.src?.exists && !args.force) return fail(`src file does not exist, use "force=yes" if you really want to create the link: ${st.src?.path ?? args.src}`)
        if (prev === 'link' && p.linkTarget === args.src) {
          if (attrs(args, p, out, false)) return fail(out.error!)
          break
        }
        if (prev === 'directory') {
          if (!args.force) return fail(`refusing to convert from directory to symlink for ${args.path}`)
          if (p.tree?.length) return fail(`the directory ${args.path} is not empty, refusing to convert it`)
          out.changes.push({ kind: 'exec', cmd: argv(['rmdir', '--', P]) })
        } else if ((prev === 'file' || prev === 'hard') && !args.force) return fail(`refusing to convert from file to symlink for ${args.path}`)
        if (prev === 'link') out.before.push(`src: ${p.linkTarget}`)
        out.after.push(`src: ${args.src}`)
        // -n: replace a symlink to a directory instead of creating the link inside it.
        out.changes.push({ kind: 'exec', cmd: argv(['ln', '-sfn', '--', args.src, P]) })
        newAttrs({ ...args, mode: null }, P, 0, false, out, true)
        break
      }
      case 'hard': {
        if (!isSet(args.src)) return fail('src is required for creating new hardlinks')
        if (!st.src?.exists) return fail(`src does not exist: ${args.src}`)
        if (p.exists && p.inode === st.src.inode && p.dev === st.src.dev) {
          if (attrs(args, p, out, false)) return fail(out.error!)
          break
        }
        if (prev === 'directory') return fail(`Cannot link: ${args.path} is a directory`)
        if (prev !== 'absent' && !args.force) return fail(prev === 'hard' ? 'Cannot link, different hard link exists at destination' : `Cannot link, ${prev} exists at destination`)
        out.changes.push({ kind: 'exec', cmd: argv(['ln', '-f', '--', argPath(args.src), P]) })
        // A hard link shares the source's inode, so its attributes are the source's.
        attrs(args, { ...st.src, path: args.path }, out, false)
        break
      }
      case 'touch': {
        if (prev === 'absent') {
          // Any touch creates the file (the times below may set it again).
          out.changes.push({ kind: 'exec' as const, cmd: argv(['touch', '--', P]) })
          newAttrs(args, P, 0o644, false, out)
          break
        }
        if (attrs(args, { ...(follow && st.followed?.exists ? st.followed : p), path: args.path }, out, false)) return fail(out.error!)
        break
      }
    }
    const diff = ansibleDiff(args.path, prev, state, out)
    if (state !== 'absent') extras(args, st, state, P, out, diff)
    Object.assign(data, { diff })
    if (!out.changes.length) return { changes: [], reason: `${args.path} is already ${state === 'touch' ? 'present' : state === 'hard' ? 'a hard link to ' + args.src : state === 'link' ? 'a link to ' + args.src : 'a ' + state}${out.same ?? ''}`, data }
    const plan: Plan = { changes: out.changes, data, reason: `${args.path}: ${prev} -> ${state}` }
    if ((state === 'directory' || state === 'touch') && prev === 'absent') plan.makes = [args.path]
    if (ctx.diff) plan.diff = [attrDiff(args.path, out.before, out.after)]
    return plan
  },
})

interface Built {
  changes: Change[]
  before: string[]
  after: string[]
  same?: string
  error?: string
}

function fail(msg: string): Plan {
  return { changes: [], failed: msg }
}


/** Attribute changes of an existing path into `out`; true when the mode is invalid. */
function attrs(args: FileArgs, st: PathState, out: Built, recurse: boolean): boolean {
  const a = planAttrs(args, st, { recurse })
  if (a.error) {
    out.error = a.error
    return true
  }
  out.changes.push(...a.changes)
  out.before.push(...a.before)
  out.after.push(...a.after)
  if (a.same.length) out.same = ` with ${a.same.join(', ')}`
  return false
}

/** A path created by this task: set every requested attribute (its umask result is unknown). */
function newAttrs(args: FileArgs, P: string, base: number, isDir: boolean, out: Built, isLink = false): void {
  if (isSet(args.mode)) {
    const m = formatMode(resolveMode(args.mode, base, isDir))
    out.changes.push({ kind: 'exec', cmd: argv(['chmod', (isDir ? '0' : '') + m, '--', P]) })
    out.after.push(`mode: ${m}`)
  }
  const spec = isSet(args.owner) && isSet(args.group) ? `${args.owner}:${args.group}` : isSet(args.owner) ? args.owner : isSet(args.group) ? `:${args.group}` : undefined
  if (spec !== undefined) {
    out.changes.push({ kind: 'exec', cmd: argv(['chown', ...(isLink ? ['-h'] : []), spec, '--', P]) })
    if (isSet(args.owner)) out.after.push(`owner: ${args.owner}`)
    if (isSet(args.group)) out.after.push(`group: ${args.group}`)
  }
}

type Side = Record<string, unknown>

/** Ansible's diff of file: {before, after} holding path, then state and each attribute that differs. */
function ansibleDiff(path: string, prev: string, state: string, out: Built): { before: Side; after: Side } {
  const side = (lines: string[]): Side => {
    const o: Side = { path }
    for (const l of lines) {
      const [k, ...v] = l.split(': ')
      if (k !== 'state') o[k!] = v.join(': ')
    }
    return o
  }
  const d = { before: side(out.before), after: side(out.after) }
  if (prev !== state) [d.before.state, d.after.state] = [prev, state]
  return d
}

/** Times and attributes after the state's own changes, for every state but absent. */
function extras(args: FileArgs, st: FileState, state: FileStateName, P: string, out: Built, diff: { before: Side; after: Side }): void {
  const [m, a] = wishes(args, state)
  // A touch that creates the file has already set both times to now.
  const t = state === 'touch' && !st.path.exists && m.kind === 'now' && a.kind === 'now' ? { before: {}, after: {} } : planTimes(m, a, st.times)
  for (const cmd of t.touch ?? []) out.changes.push({ kind: 'exec', cmd: argv([...cmd, '--', P]) })
  Object.assign(diff.before, t.before)
  Object.assign(diff.after, t.after)
  for (const k of Object.keys(t.after)) {
    out.before.push(`${k}: ${t.before[k]}`)
    out.after.push(`${k}: ${t.after[k]}`)
  }
  if (isSet(args.attributes)) {
    const c = planChattr(args.attributes, st.attrs ?? { error: 'not read' }, P)
    if (c.change) {
      out.changes.push(c.change)
      diff.before.attributes = c.before
      diff.after.attributes = c.after
      out.before.push(`attributes: ${c.before}`)
      out.after.push(`attributes: ${c.after}`)
    } else out.same = `${out.same ? `${out.same},` : ' with'} attributes ${args.attributes}`
  }
}

/** mkdir each missing folder of P from the top, giving each new one mode/owner/group. */
function mkdirEach(P: string, args: FileArgs): string {
  const parts = P.split('/').filter((x) => x !== '')
  const steps: string[] = []
  let cur = P.startsWith('/') ? '' : '.'
  for (const part of parts) {
    cur = `${cur}/${part}`
    const attrs: Built = { changes: [], before: [], after: [] }
    newAttrs(args, cur, 0o755, true, attrs)
    const then = [argv(['mkdir', '--', cur]), ...attrs.changes.map((c) => (c as { cmd: string }).cmd)].join(' && ')
    steps.push(`if [ ! -d ${argv([cur])} ]; then ${then} || exit 1; fi`)
  }
  return steps.join('\n')
}
