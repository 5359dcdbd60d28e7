// ssh_config (-F FILE or ~/.ssh/config) resolved for one host; the only import of `ssh-config`.
import { existsSync, readFileSync } from 'node:fs'
import { homedir, userInfo } from 'node:os'
import { join } from 'node:path'
import SSHConfig from 'ssh-config'
import { TsplayError } from '../errors.js'

export type StrictHostKeyChecking = 'yes' | 'accept-new' | 'no' | 'ask'

export interface SshHostConfig {
  hostName: string
  port: number
  user: string
  /** Expanded paths, in the order ssh_config lists them. */
  identityFiles: string[]
  /** True when IdentityFile came from a config file (then default keys are not tried). */
  explicitIdentity: boolean
  proxyJump?: string
  strictHostKeyChecking: StrictHostKeyChecking
  /** true when StrictHostKeyChecking was set in a config file (so 'no' is a user's choice). */
  strictExplicit: boolean
  userKnownHostsFile?: string
}

export interface HostQuery {
  /** Name as the user wrote it (inventory address, or a ProxyJump hop). */
  host: string
  user?: string
  port?: number
  configFile?: string
}

/** Expand ~ and the common % tokens (%d %u %h %r %p %%) like ssh does for paths. */
export function expandPath(p: string, ctx: { host: string; user: string; port: number }): string {
  const home = homedir()
  const s = p.replace(/%([%dhupr])/g, (_, t: string) => {
    switch (t) {
      case '%': return '%'
      case 'd': return home
      case 'u': return userInfo().username
      case 'h': return ctx.host
      case 'r': return ctx.user
      default: return String(ctx.port)
    }
  })
  return s === '~' ? home : s.startsWith('~/') ? join(home, s.slice(2)) : s
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v
}

function list(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}

function loadConfig(file: string | undefined): SSHConfig | undefined {
  const path = file ?? join(homedir(), '.ssh', 'config')
  if (file === undefined && !existsSync(path)) return undefined
  try {
    return SSHConfig.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new TsplayError(`cannot read ssh config ${path}: ${(e as Error).message}`, { cause: e })
  }
}

/** What ssh would use to reach `q.host`; explicit values in `q` win over the file, as `ssh -l -p` do. */
export function resolveSshConfig(q: HostQuery): SshHostConfig {
  const cfg = loadConfig(q.configFile)
  // matchExec off: computing a config must never run a shell command behind the user's back.
  const c = cfg?.compute(q.user ? { Host: q.host, User: q.user } : { Host: q.host }, { ignoreCase: true, matchExec: false }) ?? {}
  const hostName = first(c['hostname'])?.replace(/%h/g, q.host) ?? q.host
  const user = q.user ?? first(c['user']) ?? userInfo().username
  const portText = first(c['port'])
  const port = q.port ?? (portText ? Number(portText) : 22)
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TsplayError(`bad ssh port for ${q.host}: ${portText}`)
  const ctx = { host: hostName, user, port }
  const identityFiles = list(c['identityfile']).map((f) => expandPath(f, ctx))
  const shk = (first(c['stricthostkeychecking']) ?? '').toLowerCase()
  const strict: StrictHostKeyChecking =
    shk === 'yes' || shk === 'true' ? 'yes'
    : shk === 'accept-new' ? 'accept-new'
    : shk === 'no' || shk === 'off' || shk === 'false' ? 'no'
    : 'ask'
  const jump = first(c['proxyjump'])
  const known = list(c['userknownhostsfile'])[0]
  return {
    hostName,
    port,
    user,
    identityFiles,
    explicitIdentity: identityFiles.length > 0,
    proxyJump: jump && jump.toLowerCase() !== 'none' ? jump : undefined,
    strictHostKeyChecking: strict,
    strictExplicit: shk !== '',
    userKnownHostsFile: known && known.toLowerCase() !== 'none' ? expandPath(known, ctx) : undefined,
  }
}

/** One ProxyJump hop: [user@]host[:port] (ssh:// URIs too). */
export function parseJump(hop: string): { host: string; user?: string; port?: number } {
  const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop.trim())
  if (!m) throw new TsplayError(`bad ProxyJump hop: ${hop}`)
  return { user: m[1], host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : undefined }
}
