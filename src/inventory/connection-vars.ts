// Inventory vars → ConnectionSpec. Our tsplay_* names are documented; Ansible's names work as
// aliases so an existing inventory runs unchanged. When both are set, ours win.
import type { ConnectionSpec } from '../connection/connection.js'
import { ParseError, type SourcePos } from '../errors.js'
import type { Vars } from '../playbook/types.js'
import { proxyFromSshArgs, sshConfigFromSshArgs } from './ssh-args.js'

/** Each setting's names, strongest first: ours, then Ansible's current name, then older aliases. */
export const CONNECTION_VARS = {
  transport: ['tsplay_connection', 'ansible_connection'],
  address: ['tsplay_host', 'ansible_host', 'ansible_ssh_host'],
  port: ['tsplay_port', 'ansible_port', 'ansible_ssh_port'],
  user: ['tsplay_user', 'ansible_user', 'ansible_ssh_user'],
  password: ['tsplay_password', 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'],
  privateKeyPath: ['tsplay_private_key_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file'],
  privateKeyPassphrase: ['tsplay_private_key_passphrase'],
  sshConfigFile: ['tsplay_ssh_config'],
  knownHostsFile: ['tsplay_known_hosts'],
  acceptNewHostKeys: ['tsplay_accept_new_host_keys'],
  proxyJump: ['tsplay_proxy_jump'],
  connectTimeout: ['tsplay_connect_timeout', 'ansible_timeout', 'ansible_ssh_timeout'],
  becomePassword: ['tsplay_become_password', 'ansible_become_password', 'ansible_become_pass'],
  /** Read for -J / ProxyJump / ProxyCommand "ssh -W" / -F only. */
  sshArgs: ['ansible_ssh_common_args', 'ansible_ssh_extra_args'],
} as const

export const CONNECTION_TRANSPORT_VARS: readonly string[] = CONNECTION_VARS.transport

/** Every variable name that configures the connection (the executor may leave them untemplated or hide them). */
export const CONNECTION_VAR_NAMES: ReadonlySet<string> = new Set(Object.values(CONNECTION_VARS).flat())

/** Inventory-only magic vars: they steer loading, not tasks. */
export const INVENTORY_MAGIC_VAR_NAMES: ReadonlySet<string> = new Set(['ansible_group_priority'])

/** Vars that hold secrets: never print them. */
export const SECRET_VAR_NAMES: ReadonlySet<string> = new Set([
  ...CONNECTION_VARS.password,
  ...CONNECTION_VARS.privateKeyPassphrase,
  ...CONNECTION_VARS.becomePassword,
])

type Setting = keyof typeof CONNECTION_VARS

/** Resolve the connection of host `name` from its merged vars; `pos` is where the host was declared. */
export function connectionSpec(name: string, vars: Vars, pos?: SourcePos): ConnectionSpec {
  const pick = (setting: Setting): { key: string; value: unknown } | undefined => {
    for (const key of CONNECTION_VARS[setting]) if (vars[key] !== undefined && vars[key] !== null) return { key, value: vars[key] }
    return undefined
  }
  const fail = (key: string, value: unknown, wanted: string, hint: string): never => {
    throw new ParseError(`variable ${key} of host '${name}' must be ${wanted}, not ${JSON.stringify(value)}`, { pos, hint })
  }
  const text = (setting: Setting): string | undefined => {
    const got = pick(setting)
    if (!got || typeof got.value === 'string') return got?.value as string | undefined
    return fail(got.key, got.value, 'a string', 'Quote the value in YAML so it stays text (e.g. "0123").')
  }
  const number = (setting: Setting, min: number, max: number): number | undefined => {
    const got = pick(setting)
    if (!got) return undefined
    const n = typeof got.value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(got.value) ? Number(got.value) : got.value
    if (typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max) return n
    return fail(got.key, got.value, `a number from ${min} to ${max}`, 'Write a plain number, such as 22 for a port or 10 for seconds.')
  }
  const bool = (setting: Setting): boolean | undefined => {
    const got = pick(setting)
    if (!got || typeof got.value === 'boolean') return got?.value as boolean | undefined
    // Ansible's truthy and falsy spellings, for values that arrive as text (from -e or templates).
    const s = String(got.value).trim().toLowerCase()
    if (['yes', 'true', 'on', '1'].includes(s)) return true
    if (['no', 'false', 'off', '0'].includes(s)) return false
    return fail(got.key, got.value, 'true or false', 'Write true or false.')
  }

  const transportVar = pick('transport')
  let transport: ConnectionSpec['transport'] = name === 'localhost' || name === '127.0.0.1' || name === '::1' ? 'local' : 'ssh'
  if (transportVar) {
    if (transportVar.value !== 'local' && transportVar.value !== 'ssh') {
      fail(transportVar.key, transportVar.value, "'local' or 'ssh'", 'tsplay connects with ssh (the default) or runs commands on this machine with local.')
    }
    transport = transportVar.value as ConnectionSpec['transport']
  }
  const port = number('port', 1, 65535)
  if (port !== undefined && !Number.isInteger(port)) fail(pick('port')!.key, pick('port')!.value, 'a whole number from 1 to 65535', 'Write the port as a number, such as 22.')
  const timeout = number('connectTimeout', 0, 86400)
  const sshArgs = (CONNECTION_VARS.sshArgs as readonly string[]).map((k) => vars[k]).filter((v): v is string => typeof v === 'string').join(' ')

  const spec: ConnectionSpec = {
    name,
    transport,
    address: text('address') ?? name,
    port,
    user: text('user'),
    password: text('password'),
    privateKeyPath: text('privateKeyPath'),
    privateKeyPassphrase: text('privateKeyPassphrase'),
    sshConfigFile: text('sshConfigFile') ?? sshConfigFromSshArgs(sshArgs),
    knownHostsFile: text('knownHostsFile'),
    acceptNewHostKeys: bool('acceptNewHostKeys'),
    proxyJump: text('proxyJump') ?? proxyFromSshArgs(sshArgs),
    connectTimeoutMs: timeout === undefined ? undefined : Math.round(timeout * 1000),
    becomePassword: text('becomePassword'),
  }
  // Drop unset keys so specs compare and print cleanly.
  for (const k of Object.keys(spec) as Array<keyof ConnectionSpec>) if (spec[k] === undefined) delete spec[k]
  return spec
}
