// assemble: build dest from the fragment files of a folder, in name order, with an optional
// delimiter between them, as Ansible's assemble (on the target, or the controller's folder with
// remote_src: false); then it is written like copy (mode, backup, validate, diff).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { sh } from '../../connection/quote.js'
import { ArgError, TsplayError } from '../../errors.js'
import { isPyRegexFailure, pyRegex } from '../../util/pyregex.js'
import { defineModule } from '../module.js'
import { copyLikeProps, gatherCopyLike, planCopyLike, type CopyLikeArgs, type CopyLikeState } from './copylike.js'
import { argPath } from './paths.js'
import { read } from '../read.js'

export interface AssembleArgs extends CopyLikeArgs {
  src: string
  delimiter?: string | null
  regexp?: string | null
  ignore_hidden: boolean
  remote_src: boolean
}

const { dest, owner, group, mode, backup, validate } = copyLikeProps
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' }

export const assemble = defineModule<AssembleArgs, CopyLikeState>({
  name: 'assemble',
  description: 'Build a file from the fragments in a folder (name order, optional delimiter), as Ansible does.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', description: 'Folder of fragments: on the target, or on the controller with remote_src false.' },
      dest: { ...dest, description: 'The file to build on the target.' },
      delimiter: { type: ['string', 'null'], default: null, description: 'Text put between fragments (escapes like \\n decoded), always followed by a line break.' },
      regexp: { type: ['string', 'null'], default: null, description: 'Only fragments whose name this Python regex finds.' },
      ignore_hidden: { type: 'boolean', default: false, description: "Skip fragments whose name starts with '.'." },
      remote_src: { type: 'boolean', default: true, description: "false: src is a folder on the controller (role files/ first)." },
      owner,
      group,
      mode,
      backup,
      validate,
    },
  },
  example: ['- assemble:', '    src: /etc/postfix/virtual.d', '    dest: /etc/postfix/virtual', "    mode: '0644'"].join('\n'),
  async gather(args, ctx) {
    const fragments = args.remote_src ? await remoteFragments(args, ctx) : localFragments(ctx.findFile('files', args.src))
    const re = args.regexp ? pyRegex(args.regexp) : undefined
    if (isPyRegexFailure(re)) throw new ArgError('regexp', re.error)
    const kept = fragments.filter(([name]) => (!re || re.test(name)) && !(args.ignore_hidden && name.startsWith('.')))
    return gatherCopyLike({ ...args, src: null }, ctx, assembled(kept.map(([, c]) => c), args.delimiter))
  },
  plan: (args, state, ctx) => planCopyLike({ ...args, src: null }, state, ctx),
})

/** Ansible's assemble_from_fragments: a line break after a fragment that lacks one, the delimiter
 * between fragments, always followed by a line break (Python 3 compares int to bytes there). */
export function assembled(fragments: Buffer[], delimiter?: string | null): Buffer {
  const parts: Buffer[] = []
  const delim = delimiter ? delimiter.replace(/\\(.)/g, (all, c: string) => ESCAPES[c] ?? all) : ''
  fragments.forEach((f, i) => {
    if (i > 0 && !parts[parts.length - 1]!.toString('latin1').endsWith('\n')) parts.push(Buffer.from('\n'))
    if (i > 0 && delim) parts.push(Buffer.from(delim + '\n'))
    parts.push(f)
  })
  return Buffer.concat(parts)
}

/** Regular files of the target folder, sorted by name, each with its bytes (one round trip). */
async function remoteFragments(args: AssembleArgs, ctx: Parameters<typeof gatherCopyLike>[1]): Promise<Array<[string, Buffer]>> {
  const script = sh`cd -- ${argPath(args.src)} || exit 3; for f in * .*; do [ -f "$f" ] || continue; printf '%s\\t' "$(printf '%s' "$f" | base64 -w0)"; base64 -w0 < "$f"; echo; done`
  const r = await read(ctx, script, { okCodes: 'any', what: `reading the fragments in ${args.src}` })
  if (r.rc === 3) throw new TsplayError(`Source (${args.src}) is not a directory`)
  if (r.rc !== 0) throw new TsplayError(`reading the fragments in ${args.src} failed: ${r.stderr.trim()}`)
  const out: Array<[string, Buffer]> = r.stdout
    .split('\n')
    .filter((l) => l.includes('\t'))
    .map((l) => [Buffer.from(l.slice(0, l.indexOf('\t')), 'base64').toString('utf8'), Buffer.from(l.slice(l.indexOf('\t') + 1), 'base64')])
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

function localFragments(dir: string): Array<[string, Buffer]> {
  if (!statSync(dir).isDirectory()) throw new TsplayError(`Source (${dir}) is not a directory`)
  return readdirSync(dir)
    .sort()
    .filter((n) => statSync(join(dir, n)).isFile())
    .map((n) => [n, readFileSync(join(dir, n))])
}
