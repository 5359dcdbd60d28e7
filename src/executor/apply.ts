// The one runner of plans: gather → plan → (unless --check) apply each change in order.
// Modules never act themselves, so check mode and failure messages are the same for all.
import type { ExecResult } from '../connection/connection.js'
import { argv } from '../connection/quote.js'
import { argPath, dirOf, sha1 } from '../modules/files/paths.js'
import { commandFailure } from '../connection/command-failure.js'
import { ArgError, formatPos, InterruptedError, TsplayError, type SourcePos } from '../errors.js'
import type { Change, Module, ModuleContext, Plan } from '../modules/module.js'
import { progressLines, withoutProgressLines } from './progress.js'
import type { TaskResult } from './result.js'

/** Run one module for one host. A failed task is a result value; only bugs and
 * UnreachableError are thrown. */
export async function runModule(mod: Module<any, any>, args: unknown, ctx: ModuleContext): Promise<TaskResult> {
  const started = Date.now()
  const done = (r: Omit<TaskResult, 'durationMs'>): TaskResult => ({ ...r, durationMs: Date.now() - started })
  const checkMode = typeof mod.checkMode === 'function' ? mod.checkMode(args) : mod.checkMode
  if (ctx.check && checkMode === 'verify') return done({ status: 'skipped', msg: 'skipped in check mode: it verifies what the run makes', data: {} })
  let plan: Plan
  try {
    const state = await mod.gather(args, ctx)
    plan = mod.plan(args, state, { host: ctx.host, check: ctx.check, diff: ctx.diff })
  } catch (e) {
    // An interrupt stops the run, not just this task.
    if (e instanceof TsplayError && !(e instanceof InterruptedError)) {
      const hint = e instanceof ArgError && !e.hint ? `\nSee 'tsplay doc ${mod.name}' for its arguments.` : ''
      return done({ status: 'failed', msg: failureText(e, errorPos(e, ctx)) + hint, data: {} })
    }
    throw e
  }
  const data: Record<string, unknown> = { ...plan.data }
  if (plan.facts) data.ansible_facts = plan.facts
  const base = { msg: plan.msg ?? plan.reason, ...(plan.diff ? { diff: plan.diff } : {}), ...(plan.report ? { report: plan.report } : {}) }
  if (plan.failed !== undefined) return done({ ...base, status: 'failed', msg: plan.failed, data })
  if (plan.skipped !== undefined) return done({ status: 'skipped', msg: plan.skipped, data: { ...data, skipped_reason: plan.skipped } })
  if (ctx.check) {
    if (plan.changes.length === 0) return done({ ...base, status: 'ok', data })
    const planned = plan.changes.map(describeChange)
    for (const path of plan.makes ?? []) ctx.planned?.add(path)
    if (plan.changes.every((c) => c.kind === 'exec' && c.predicted === false)) return done({ ...base, status: 'ok', data, planned })
    if (checkMode === 'skip') return done({ status: 'skipped', msg: 'skipped in check mode', data, planned })
    return done({ ...base, status: 'changed', data, planned })
  }
  let changed = false
  for (const change of plan.changes) {
    const out = await applyChange(change, ctx)
    Object.assign(data, out.data)
    if (out.failed !== undefined) return done({ ...base, status: 'failed', msg: out.failed, data })
    if (out.changed) changed = true
  }
  return done({ ...base, status: changed ? 'changed' : 'ok', data })
}

/** An expected error as a failed task's message: what, where (a template's line, the task), what to do. */
function failureText(e: TsplayError, pos = e.pos): string {
  return `${e.message}${pos ? ` (${formatPos(pos)})` : ''}${e.hint ? `\n${e.hint}` : ''}`
}

/** Where a failure of gather/plan is: its own position, the bad arg's line, else the task. */
function errorPos(e: TsplayError, ctx: ModuleContext): SourcePos {
  return e.pos ?? (e instanceof ArgError ? ctx.argPos?.[e.arg] : undefined) ?? ctx.taskPos
}

interface Outcome {
  changed: boolean
  failed?: string
  data?: Record<string, unknown>
}

async function applyChange(c: Change, ctx: ModuleContext): Promise<Outcome> {
  try {
    switch (c.kind) {
      case 'exec':
        return await applyExec(c, ctx)
      case 'put':
        await ctx.conn.put(c.path, c.content, { mode: c.mode, owner: c.owner, group: c.group, become: ctx.become })
        return { changed: true }
      case 'fetch':
        return await applyFetch(c, ctx)
      case 'call': {
        const r = await c.run(ctx)
        return { changed: r.changed ?? true, failed: r.failed, data: r.data }
      }
    }
  } catch (e) {
    // Expected failures of a put or call (missing folder, permission) fail the task, not the run.
    if (e instanceof TsplayError && !(e instanceof InterruptedError)) return { changed: false, failed: failureText(e) }
    throw e
  }
}

async function applyExec(c: Extract<Change, { kind: 'exec' }>, ctx: ModuleContext): Promise<Outcome> {
  const start = new Date()
  const timeoutMs = ctx.timeoutMs === undefined ? c.timeoutMs : Math.min(ctx.timeoutMs, c.timeoutMs ?? ctx.timeoutMs)
  const progress = ctx.onProgress ? progressLines(ctx.onProgress) : undefined
  const stdoutProgress = ctx.onProgress && c.progress ? c.progress(ctx.onProgress) : undefined
  const onOutput = progress
    ? (stream: 'stdout' | 'stderr', chunk: string) => {
        ctx.onOutput?.(stream, chunk)
        if (stream === 'stderr') progress(chunk)
        else stdoutProgress?.(chunk)
      }
    : ctx.onOutput
  const conn = c.on === undefined ? ctx.conn : c.on === 'controller' ? ctx.controller : await ctx.connectionTo(c.on.host)
  const raw = await conn.exec(c.cmd, {
    become: c.noBecome || c.on === 'controller' ? undefined : ctx.become,
    env: c.env,
    cwd: c.cwd,
    stdin: c.stdin,
    timeoutMs,
    onOutput,
    signal: ctx.signal,
  })
  const r = { ...raw, stderr: withoutProgressLines(raw.stderr) }
  const end = new Date()
  const failed = commandFailure({ ...c, timeoutMs }, r)
  let data: Record<string, unknown> = {}
  if (c.capture) data = captured(c.cmd, r, start, end)
  else if (failed !== undefined) data = { rc: r.rc, stdout: r.stdout, stderr: r.stderr }
  if (failed !== undefined) return { changed: false, failed, data }
  if (c.parse) Object.assign(data, c.parse(r, end.getTime() - start.getTime()))
  return { changed: c.changedWhen ? c.changedWhen(r) : true, data }
}

/** fetch: the target's file onto the controller, checked against the sha1 gather read. */
async function applyFetch(c: Extract<Change, { kind: 'fetch' }>, ctx: ModuleContext): Promise<Outcome> {
  const bytes = await ctx.conn.get(c.src, ctx.become ? { become: ctx.become } : undefined)
  const got = sha1(bytes)
  if (c.checksum !== undefined && got !== c.checksum) return { changed: false, failed: `checksum mismatch after fetching ${c.src}: ${got} != ${c.checksum}` }
  const mkdir = argv(['mkdir', '-p', '--', argPath(dirOf(c.dest))])
  const mk = await ctx.controller.exec(mkdir, { signal: ctx.signal })
  const failed = commandFailure({ cmd: mkdir }, mk)
  if (failed !== undefined) return { changed: false, failed }
  await ctx.controller.put(c.dest, bytes)
  return { changed: true, data: { dest: c.dest, checksum: got } }
}


/** The fields Ansible's command/shell/raw register, so `r.stdout_lines` reads the same. */
function captured(cmd: string, r: ExecResult, start: Date, end: Date): Record<string, unknown> {
  const stdout = r.stdout.replace(/\n$/, '')
  const stderr = r.stderr.replace(/\n$/, '')
  return {
    cmd,
    rc: r.rc,
    stdout,
    stderr,
    stdout_lines: lines(stdout),
    stderr_lines: lines(stderr),
    start: ansibleTime(start),
    end: ansibleTime(end),
    delta: ansibleDelta(end.getTime() - start.getTime()),
  }
}

function lines(s: string): string[] {
  return s === '' ? [] : s.split(/\r?\n/)
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

/** '2024-05-01 12:00:00.123000', local time, like Ansible. */
function ansibleTime(d: Date): string {
  const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
  return `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}000`
}

/** '0:00:01.234000' */
function ansibleDelta(ms: number): string {
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor((ms % 3_600_000) / 60_000)
  const s = Math.floor((ms % 60_000) / 1000)
  return `${h}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}000`
}

/** One line per change, for check mode's `planned` and -v. */
export function describeChange(c: Change): string {
  switch (c.kind) {
    case 'exec': {
      const on = c.on === undefined ? '' : c.on === 'controller' ? ' (on the controller)' : ` (on ${c.on.host})`
      return `${c.cmd}${c.cwd ? ` (in ${c.cwd})` : ''}${on}`
    }
    case 'put': {
      const attrs = [c.mode !== undefined ? `mode ${typeof c.mode === 'number' ? c.mode.toString(8).padStart(4, '0') : c.mode}` : '', c.owner ? `owner ${c.owner}` : '', c.group ? `group ${c.group}` : '']
      const extra = attrs.filter(Boolean).join(', ')
      return `write ${c.path}${extra ? ` (${extra})` : ''}`
    }
    case 'fetch':
      return `fetch ${c.src} -> controller:${c.dest}`
    case 'call':
      return c.describe
  }
}
