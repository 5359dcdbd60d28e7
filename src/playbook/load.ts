// A playbook file → Playbook: a list of plays, with import_playbook entries flattened in place.
import { dirname, resolve } from 'node:path'
import { ParseError, type SourcePos } from '../errors.js'
import { canonicalName } from '../modules/index.js'
import { didYouMean } from '../util/suggest.js'
import { readSource, type SourceFile } from '../yaml/source.js'
import { errorAt, errorAtKey, isMapping, valuePos } from './at.js'
import { cycleMessage } from './context.js'
import { applyWhenTags } from './inherit.js'
import { mergeTags, toTags } from './normalize.js'
import { parsePlay } from './play.js'
import { collecting, gathering, tolerate } from './problems.js'
import type { Play, Playbook } from './types.js'

const IMPORT_KEYS = ['import_playbook', 'name', 'vars', 'tags']

export function loadPlaybook(file: string): Playbook {
  return collecting(() => buildPlaybook(file))
}

/** The playbook as far as it loads, with every refusal instead of an error (`tsplay compat`). */
export function loadPlaybookProblems(file: string): { playbook?: Playbook; problems: ParseError[] } {
  const { value, problems } = gathering(() => buildPlaybook(file))
  return { playbook: value, problems }
}

function buildPlaybook(file: string): Playbook {
  const abs = resolve(file)
  return { file: abs, plays: loadPlays(abs, undefined, []).filter((p): p is Play => p !== undefined) }
}

function loadPlays(file: string, from: SourcePos | undefined, chain: string[]): Array<Play | undefined> {
  if (chain.includes(file)) {
    throw new ParseError(cycleMessage('import_playbook', chain, file), { pos: from, hint: 'A playbook imports itself through this chain; break the loop.' })
  }
  const src = readSource(file, from, 'playbook')
  const here = [...chain, file]
  if (src.value === null || src.value === undefined) {
    throw errorAt(src, [], 'the playbook is empty', 'A playbook is a list of plays: "- hosts: all\\n  tasks: ...".')
  }
  if (!Array.isArray(src.value)) {
    throw errorAt(src, [], 'a playbook must be a list of plays', 'Start each play with "- hosts: <pattern>" (a YAML list item).')
  }
  const dir = dirname(file)
  return src.value.flatMap((entry, i) => {
    const key = isMapping(entry) ? Object.keys(entry).find((k) => canonicalName(k) === 'import_playbook') : undefined
    if (key === undefined) return [tolerate(() => parsePlay(src, [i], entry, dir, here), undefined)]
    return importPlaybook(src, i, entry as Record<string, unknown>, key, dir, here)
  })
}

function importPlaybook(src: SourceFile, i: number, entry: Record<string, unknown>, key: string, dir: string, chain: string[]): Play[] {
  for (const k of Object.keys(entry)) {
    if (k !== key && !IMPORT_KEYS.includes(k)) {
      throw errorAtKey(src, [i], k, `'${k}' cannot be used with import_playbook.${didYouMean(k, IMPORT_KEYS)}`, 'import_playbook takes name, vars and tags; put other keywords in the imported plays.')
    }
  }
  const rel = entry[key]
  if (typeof rel !== 'string' || rel === '') throw errorAt(src, [i, key], 'import_playbook needs a file name', 'Write import_playbook: other.yml.')
  if (entry.vars !== undefined && !isMapping(entry.vars)) throw errorAt(src, [i, 'vars'], "'vars' must be a mapping", 'Write vars: {name: value}.')
  const plays = loadPlays(resolve(dir, rel), valuePos(src, [i], key), chain).filter((p): p is Play => p !== undefined)
  const vars = (entry.vars as Record<string, unknown> | undefined) ?? {}
  const tags = toTags(entry.tags)
  for (const play of plays) {
    play.vars = { ...vars, ...play.vars }
    play.tags = mergeTags(tags, play.tags)
    applyWhenTags([...play.preTasks, ...play.roles.flatMap((r) => r.tasks), ...play.tasks, ...play.postTasks], [], tags)
  }
  return plays
}

// The loader's other entry points, so callers import the whole API from this one file.
export { loadTasksFile, type TasksFileOptions } from './tasks-file.js'
export { loadVarsFile } from './vars-file.js'
