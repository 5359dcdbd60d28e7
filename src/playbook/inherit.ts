// Folding what a play, role reference or import says into the tasks under it, so the executor
// reads each task's own fields and never walks back up.
import type { Condition, TaskCommon, TaskNode, Vars } from './types.js'
import type { SourceFile } from '../yaml/source.js'
import { errorAt, type Path } from './at.js'
import { BECOME_METHODS, CONNECTIONS, INHERITED_KEYWORDS } from './keywords.js'
import { report } from './problems.js'
import { mergeTags, toEnvironment } from './normalize.js'

export type Keywords = Partial<Pick<TaskCommon, 'become' | 'becomeUser' | 'becomePassword' | 'environment' | 'ignoreErrors' | 'ignoreUnreachable' | 'noLog' | 'checkMode' | 'diff' | 'delegateTo' | 'runOnce' | 'anyErrorsFatal' | 'connection' | 'remoteUser' | 'becomeMethod'>>

const FIELD: Record<(typeof INHERITED_KEYWORDS)[number], keyof Keywords> = {
  become: 'become',
  become_user: 'becomeUser',
  become_password: 'becomePassword',
  environment: 'environment',
  ignore_errors: 'ignoreErrors',
  ignore_unreachable: 'ignoreUnreachable',
  no_log: 'noLog',
  check_mode: 'checkMode',
  diff: 'diff',
  delegate_to: 'delegateTo',
  run_once: 'runOnce',
  any_errors_fatal: 'anyErrorsFatal',
  connection: 'connection',
  remote_user: 'remoteUser',
  become_method: 'becomeMethod',
}

/** The inheritable keywords of a raw mapping (already type-checked), as TaskCommon fields. */
export function keywordsOf(value: Record<string, unknown>): Keywords {
  const out: Record<string, unknown> = {}
  for (const key of INHERITED_KEYWORDS) {
    if (value[key] === undefined || value[key] === null) continue
    out[FIELD[key]] = key === 'environment' ? toEnvironment(value[key]) : value[key]
  }
  return out as Keywords
}

/** Set each keyword on every node that does not set it; a block's own value wins below it. */
export function applyKeywords(nodes: TaskNode[], kw: Keywords): void {
  const entries = Object.entries(kw).filter(([, v]) => v !== undefined) as Array<[keyof Keywords, unknown]>
  if (entries.length === 0) return
  for (const node of nodes) {
    const rec = node as unknown as Record<string, unknown>
    for (const [field, v] of entries) if (rec[field] === undefined) rec[field] = v
    if (node.kind === 'block') {
      const below = Object.fromEntries(entries.map(([f]) => [f, rec[f]])) as Keywords
      for (const list of [node.block, node.rescue, node.always]) applyKeywords(list, below)
    }
  }
}

/** Conditions and tags from an outer scope go onto every node, blocks' children included. */
export function applyWhenTags(nodes: TaskNode[], when: Condition[], tags: string[]): void {
  if (when.length === 0 && tags.length === 0) return
  for (const node of nodes) {
    node.when = [...when, ...node.when]
    node.tags = mergeTags(tags, node.tags)
    if (node.kind === 'block') for (const list of [node.block, node.rescue, node.always]) applyWhenTags(list, when, tags)
  }
}

/** Vars of an import sit under each top-level node's own vars (blocks pass them down). */
export function applyVars(nodes: TaskNode[], vars: Vars): void {
  if (Object.keys(vars).length === 0) return
  for (const node of nodes) node.vars = { ...vars, ...node.vars }
}

/** connection / become_method values tsplay cannot run are refused at load (templates wait). */
export function checkKeywordValues(src: SourceFile, path: Path, value: Record<string, unknown>): void {
  const check = (key: string, allowed: string[], hint: string): void => {
    const v = value[key]
    if (typeof v !== 'string' || v.includes('{{') || allowed.includes(v)) return
    report(errorAt(src, [...path, key], `${key} '${v}' is not supported`, hint))
    delete value[key]
  }
  check('connection', CONNECTIONS, 'tsplay connects with local or ssh.')
  check('become_method', BECOME_METHODS, 'tsplay becomes with sudo or su.')
}
