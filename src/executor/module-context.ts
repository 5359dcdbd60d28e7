// Builds the ModuleContext a module runs with: the right connection (delegate_to, environment),
// become, and where role files and templates are found.
import { existsSync } from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import type { BecomeOptions, Connection, ExecOptions } from '../connection/connection.js'
import { TsplayError } from '../errors.js'
import { CONNECTION_VARS, connectionSpec } from '../inventory/connection-vars.js'
import { resolveHost } from '../inventory/load.js'
import type { ModuleContext } from '../modules/module.js'
import type { Task, Vars } from '../playbook/types.js'
import { renderTemplateFile, renderValue } from '../template/render.js'
import { currentVault } from '../vault/session.js'
import { signalFor, type Inherited, type PlayContext, type Scope } from './context.js'

/** A connection that adds the task's `environment` to every command. */
function withEnv(conn: Connection, env: Record<string, string>): Connection {
  return {
    host: conn.host,
    transport: conn.transport,
    exec: (cmd: string, o: ExecOptions = {}) => conn.exec(cmd, { ...o, env: { ...env, ...o.env } }),
    put: (p, c, o) => conn.put(p, c, o),
    get: (p, o) => conn.get(p, o),
    close: () => conn.close(),
  }
}

/** A connection whose commands are killed after `ms` (the task's `timeout:`), or sooner if asked. */
function withTimeout(conn: Connection, ms: number): Connection {
  return {
    host: conn.host,
    transport: conn.transport,
    exec: (cmd: string, o: ExecOptions = {}) => conn.exec(cmd, { ...o, timeoutMs: Math.min(ms, o.timeoutMs ?? ms) }),
    put: (p, c, o) => conn.put(p, c, o),
    get: (p, o) => conn.get(p, o),
    close: () => conn.close(),
  }
}

export function pick<K extends keyof Inherited>(task: Task, scope: Scope, key: K): Inherited[K] {
  return task[key] !== undefined ? task[key] : scope.inherit[key]
}

export function becomeFor(pc: PlayContext, task: Task, scope: Scope, vars: Vars): BecomeOptions | undefined {
  const on = pick(task, scope, 'become') ?? pc.play.become ?? false
  if (!on) return undefined
  const user = pick(task, scope, 'becomeUser') ?? pc.play.becomeUser
  const methodRaw = pick(task, scope, 'becomeMethod') ?? (vars.ansible_become_method as string | undefined)
  const method = methodRaw === undefined ? 'sudo' : String(renderValue(methodRaw, vars, task.keyPos.become_method ?? task.pos))
  if (method !== 'sudo' && method !== 'su') throw new TsplayError(`become_method '${method}' is not supported`, { pos: task.keyPos.become_method ?? task.pos, hint: 'tsplay becomes with sudo or su.' })
  // As Ansible's become plugins: the generic password variables, then the method's own.
  const password =
    pick(task, scope, 'becomePassword') ??
    (vars.tsplay_become_password as string | undefined) ??
    (vars.ansible_become_password as string | undefined) ??
    (vars.ansible_become_pass as string | undefined) ??
    ((method === 'su' ? (vars.ansible_su_password ?? vars.ansible_su_pass) : (vars.ansible_sudo_password ?? vars.ansible_sudo_pass)) as string | undefined)
  // A password that only takes its value during the run is still never printed.
  if (password !== undefined) currentVault().secrets.add(String(password))
  return { user: user === undefined ? undefined : String(renderValue(user, vars, task.pos)), password: password === undefined ? undefined : String(password), method }
}

/** The `connection:` and `remote_user:` keywords in force, rendered; the host's own vars win over them. */
export interface ConnectionKeywords {
  connection?: string
  remoteUser?: string
}

/** `fresh`: drop the cached connection and open a new one with this connect timeout (reboot, wait_for_connection). */
export async function connectionFor(pc: PlayContext, host: string, kw: ConnectionKeywords = {}, fresh?: { connectTimeoutMs: number }): Promise<Connection> {
  const h = resolveHost(pc.inventory, host)
  const hostVars = h?.vars ?? {}
  const transport = kw.connection === 'smart' || kw.connection === 'paramiko' ? 'ssh' : kw.connection
  const defaults: Vars = {}
  if (transport !== undefined && !CONNECTION_VARS.transport.some((k) => hostVars[k] !== undefined)) defaults.ansible_connection = transport
  if (kw.remoteUser !== undefined && !CONNECTION_VARS.user.some((k) => hostVars[k] !== undefined)) defaults.ansible_user = kw.remoteUser
  const spec = connectionSpec(host, Object.keys(defaults).length ? { ...hostVars, ...defaults } : hostVars, h?.pos)
  return fresh ? pc.pool.reopen({ ...spec, connectTimeoutMs: fresh.connectTimeoutMs }) : pc.pool.get(spec)
}

function connectionKeywords(task: Task, scope: Scope, vars: Vars): ConnectionKeywords {
  const out: ConnectionKeywords = {}
  const conn = pick(task, scope, 'connection')
  const user = pick(task, scope, 'remoteUser')
  if (conn !== undefined) out.connection = String(renderValue(conn, vars, task.keyPos.connection ?? task.pos))
  if (user !== undefined) out.remoteUser = String(renderValue(user, vars, task.keyPos.remote_user ?? task.pos))
  return out
}

function fileFinder(pc: PlayContext, task: Task, scope: Scope) {
  return (kind: 'files' | 'templates', rel: string): string => {
    if (isAbsolute(rel)) {
      if (existsSync(rel)) return rel
      throw new TsplayError(`${kind.slice(0, -1)} ${rel} does not exist on the controller`, { pos: task.pos, hint: 'Check the path.' })
    }
    const bases = [scope.role?.dir, dirname(task.pos.file), pc.play.dir].filter((b): b is string => !!b)
    const tried: string[] = []
    for (const base of bases) {
      for (const p of [join(base, kind, rel), join(base, rel)]) {
        if (tried.includes(p)) continue
        tried.push(p)
        if (existsSync(p)) return p
      }
    }
    throw new TsplayError(`could not find ${kind.slice(0, -1)} '${rel}'`, { pos: task.pos, hint: `Looked in: ${tried.join(', ')}` })
  }
}

export async function moduleContext(pc: PlayContext, host: string, task: Task, scope: Scope, vars: Vars, onOutput?: ModuleContext['onOutput'], onProgress?: ModuleContext['onProgress']): Promise<{ ctx: ModuleContext; delegatedTo?: string }> {
  const delegate = pick(task, scope, 'delegateTo')
  const target = delegate === undefined ? host : String(renderValue(delegate, vars, task.keyPos.delegate_to ?? task.pos))
  const kw = connectionKeywords(task, scope, vars)
  let conn = await connectionFor(pc, target, kw)
  const envRaw = pick(task, scope, 'environment') ?? pc.play.environment
  if (envRaw !== undefined) {
    const env = renderValue(envRaw, vars, task.keyPos.environment ?? task.pos)
    if (!env || typeof env !== 'object') throw new TsplayError('environment must be a mapping of names to values', { pos: task.keyPos.environment ?? task.pos })
    conn = withEnv(conn, Object.fromEntries(Object.entries(env as Vars).map(([k, v]) => [k, String(v)])))
  }
  const timeoutMs = task.timeout === undefined ? undefined : task.timeout * 1000
  if (timeoutMs !== undefined) conn = withTimeout(conn, timeoutMs)
  const checkMode = pick(task, scope, 'checkMode') ?? pc.play.checkMode
  const diff = pick(task, scope, 'diff')
  const check = checkMode ?? pc.opts.check
  const ctx: ModuleContext = {
    conn,
    host,
    check,
    diff: diff ?? pc.opts.diff,
    become: becomeFor(pc, task, scope, vars),
    vars,
    findFile: fileFinder(pc, task, scope),
    render: renderTemplateFile,
    connectionTo: (h) => connectionFor(pc, h),
    reconnect: (connectTimeoutMs) => connectionFor(pc, target, kw, { connectTimeoutMs }),
    controller: pc.pool.controller,
    taskPos: task.pos,
    argPos: task.argPos,
    onOutput,
    onProgress,
    signal: signalFor(pc, scope),
    timeoutMs,
    ...(check ? { planned: pc.state.planned.of(target) } : {}),
  }
  return { ctx, delegatedTo: delegate === undefined ? undefined : target }
}
