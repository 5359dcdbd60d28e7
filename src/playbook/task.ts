// One task mapping → Task: keywords type-checked, conditions and loops normalised, inherited
// when/tags folded in. The module and its args come from action.ts.
import { ParseError } from '../errors.js'
import type { SourceFile } from '../yaml/source.js'
import { located, valuePos, type Path } from './at.js'
import type { Action } from './action.js'
import { checkSchema } from './check-node.js'
import type { LoadCtx } from './context.js'
import { checkKeywordValues, keywordsOf } from './inherit.js'
import { BOOL_KEYWORDS, TASK_SCHEMA, WITH_LOOKUPS } from './keywords.js'
import { coerceBools, mergeTags, toConditions, toStrings, toTags } from './normalize.js'
import { notifyPos } from './notify.js'
import type { Task, TaskCommon } from './types.js'

/** Fields a task and a block share; `value` must already have passed its schema. */
export function commonFields(src: SourceFile, path: Path, value: Record<string, unknown>, ctx: LoadCtx): TaskCommon {
  const common: TaskCommon = {
    ...located(src, path, value),
    when: [...ctx.when, ...toConditions(src, path, 'when', value.when)],
    tags: mergeTags(ctx.tags, toTags(value.tags)),
    vars: (value.vars as Record<string, unknown> | undefined) ?? {},
    ...keywordsOf(value),
  }
  if (typeof value.name === 'string') common.name = value.name
  if (ctx.role) common.role = ctx.role
  return common
}

const LOOP_KEYS = ['loop', ...Object.keys(WITH_LOOKUPS)]

function loopControl(lc: Record<string, unknown>): NonNullable<Task['loopControl']> {
  const out: NonNullable<Task['loopControl']> = { loopVar: (lc.loop_var as string | undefined) ?? 'item' }
  if (lc.label !== undefined) out.label = lc.label
  if (lc.index_var !== undefined) out.indexVar = lc.index_var as string
  if (lc.pause !== undefined) out.pause = lc.pause as number | string
  if (lc.extended !== undefined) out.extended = lc.extended as boolean | string
  if (lc.extended_allitems !== undefined) out.extendedAllitems = lc.extended_allitems as boolean
  return out
}

export function parseTask(src: SourceFile, path: Path, value: Record<string, unknown>, action: Action, ctx: LoadCtx): Task {
  coerceBools(value, BOOL_KEYWORDS)
  checkKeywordValues(src, path, value)
  checkSchema(src, path, TASK_SCHEMA, value, 'task')
  const loops = LOOP_KEYS.filter((k) => value[k] !== undefined)
  if (loops.length > 1) {
    throw new ParseError(`task has both '${loops[0]}' and '${loops[1]}'`, {
      pos: located(src, path, value).keyPos[loops[1]!],
      hint: 'A task loops over one list; keep one of them.',
    })
  }
  const task: Task = {
    kind: 'task',
    ...commonFields(src, path, value, ctx),
    module: action.module,
    args: action.args,
    ...(action.argPos ? { argPos: action.argPos } : {}),
    notify: toStrings(value.notify),
    listen: toStrings(value.listen),
  }
  // with_X is loop over query('X', ...) of the rendered value; with_list is loop itself.
  const loopKey = loops[0]
  if (loopKey) {
    task.loop = value[loopKey]
    if (loopKey !== 'loop') task.loopWith = WITH_LOOKUPS[loopKey]
    if (loopKey !== 'loop') task.keyPos.loop = task.keyPos[loopKey]!
  }
  const lc = value.loop_control as Record<string, unknown> | undefined
  if (lc) task.loopControl = loopControl(lc)
  if (typeof value.register === 'string') task.register = value.register
  if (value.changed_when !== undefined) task.changedWhen = toConditions(src, path, 'changed_when', value.changed_when)
  if (value.failed_when !== undefined) task.failedWhen = toConditions(src, path, 'failed_when', value.failed_when)
  if (value.until !== undefined) task.until = toConditions(src, path, 'until', value.until)[0]
  if (value.retries !== undefined) task.retries = value.retries as number | string
  if (value.delay !== undefined) task.delay = value.delay as number | string
  if (value.timeout !== undefined) task.timeout = value.timeout as number
  if (task.notify.length) {
    const list = Array.isArray(value.notify)
    notifyPos.set(task, task.notify.map((_, i) => (list ? valuePos(src, [...path, 'notify'], i) : task.keyPos.notify!)))
  }
  return task
}
