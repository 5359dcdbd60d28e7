// wait_for: wait until a port opens, closes or drains, or a file appears (with some text) or goes.
// Only reads: gather polls the target (bash /dev/tcp, /proc/net/tcp, test -e) and plan reports.
import { sh } from '../../connection/quote.js'
import { InterruptedError, TsplayError } from '../../errors.js'
import { defineModule, type ModuleContext } from '../module.js'
import { read } from '../read.js'

export interface WaitForArgs {
  host: string
  port?: number
  path?: string
  state: 'started' | 'stopped' | 'drained' | 'present' | 'absent'
  search_regex?: string
  delay: number
  timeout: number
  sleep: number
  connect_timeout: number
  active_connection_states: string[]
  msg?: string
}

export interface WaitForState {
  ok: boolean
  /** Seconds from the start (after delay) to success or to giving up. */
  elapsed: number
  /** search_regex: the groups of the match (Python's match.groups()); named groups apart. */
  match_groups?: string[]
  match_groupdict?: Record<string, string>
}

const TCP_STATES: Record<string, string> = { '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT', '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING' }

/** Connects with bash's /dev/tcp (no nc on a minimal Debian); prints what the server says first. */
const READ_SCRIPT = 'exec 3<>"/dev/tcp/$1/$2" || exit 3; echo tsplay-connected; while IFS= read -r -t 1 l <&3; do printf "%s\\n" "$l"; done; printf "%s" "$l"'

export const waitFor = defineModule<WaitForArgs, WaitForState>({
  name: 'wait_for',
  description: 'Wait for a port to open, close or drain, or a file to appear, contain a text or go away (like ansible.builtin.wait_for).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      host: { type: 'string', default: '127.0.0.1', pattern: '^[^\\s/]+$', description: 'Address or name to connect to, seen from the target.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: 'TCP port to wait for.' },
      path: { type: 'string', description: 'File on the target to wait for (instead of a port).' },
      state: { enum: ['started', 'stopped', 'drained', 'present', 'absent'], default: 'started', description: 'started/present: port open or file there; stopped/absent: port closed or file gone; drained: no active connections on the port.' },
      search_regex: { type: 'string', description: 'With started/present: also wait until the file, or what the port sends first (a banner), matches this regex.' },
      delay: { type: 'number', minimum: 0, default: 0, description: 'Seconds to wait before the first check.' },
      timeout: { type: 'number', minimum: 0, default: 300, description: 'Seconds to wait in total before failing.' },
      sleep: { type: 'number', minimum: 0, default: 1, description: 'Seconds between checks.' },
      connect_timeout: { type: 'number', minimum: 0.1, default: 5, description: 'Seconds one connection attempt may take.' },
      active_connection_states: {
        type: 'array',
        items: { enum: Object.values(TCP_STATES) },
        default: ['ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'SYN_RECV', 'SYN_SENT', 'TIME_WAIT'],
        description: 'With drained: the TCP states that count as active.',
      },
      msg: { type: 'string', description: 'Message to fail with instead of the default one on timeout.' },
    },
  },
  example: `- name: Wait for the new postfix
  wait_for:
    host: 10.20.0.2
    port: 25
    search_regex: '^220 '
    timeout: 60

- name: Wait until no client is connected to the old POP server
  wait_for:
    port: 110
    state: drained`,

  async gather(args, ctx) {
    let regex: RegExp | undefined
    try {
      regex = args.search_regex === undefined ? undefined : new RegExp(args.search_regex, 'm')
    } catch (e) {
      throw new TsplayError(`search_regex is not a valid regular expression: ${(e as Error).message}`)
    }
    if (args.port !== undefined && args.path !== undefined) throw new TsplayError('Give port or path, not both.')
    await pause(args.delay, ctx)
    const start = Date.now()
    const elapsed = (): number => Math.round((Date.now() - start) / 10) / 100
    if (args.port === undefined && args.path === undefined) {
      // Ansible's wait_for with nothing to watch just sleeps for timeout.
      await pause(args.timeout, ctx)
      return { ok: true, elapsed: elapsed() }
    }
    for (;;) {
      const found = await probe(args, regex, ctx)
      if (found) return { ok: true, elapsed: elapsed(), ...groups(found) }
      if (Date.now() - start + args.sleep * 1000 > args.timeout * 1000) return { ok: false, elapsed: elapsed() }
      await pause(args.sleep, ctx)
    }
  },

  plan(args, state) {
    const what = args.path ?? `${args.host}:${args.port ?? ''}`
    const data: Record<string, unknown> = { elapsed: state.elapsed, state: args.state, ...(args.port !== undefined ? { port: args.port } : {}), ...(args.path !== undefined ? { path: args.path } : {}) }
    if (state.match_groups) Object.assign(data, { match_groups: state.match_groups, match_groupdict: state.match_groupdict ?? {} })
    if (!state.ok) return { changes: [], failed: args.msg ?? timeoutMessage(args, what), data }
    if (args.port === undefined && args.path === undefined) return { changes: [], reason: `waited ${args.timeout}s`, data }
    const done: Record<WaitForArgs['state'], string> = {
      started: args.path ? 'exists' : 'is open',
      present: args.path ? 'exists' : 'is open',
      stopped: args.path ? 'is absent' : 'is closed',
      absent: args.path ? 'is absent' : 'is closed',
      drained: 'has no active connections',
    }
    const matched = args.search_regex !== undefined && isUp(args) ? ` and matches ${args.search_regex}` : ''
    return { changes: [], reason: `${what} ${done[args.state]}${matched} after ${state.elapsed}s`, data }
  },
})

function isUp(args: WaitForArgs): boolean {
  return args.state === 'started' || args.state === 'present'
}

/** Ansible's wording, so playbooks that match on it keep working. */
function timeoutMessage(args: WaitForArgs, what: string): string {
  if (isUp(args) && args.search_regex !== undefined) return `Timeout when waiting for search string ${args.search_regex} in ${what}`
  if (isUp(args)) return args.path ? `Timeout when waiting for file ${args.path}` : `Timeout when waiting for ${what}`
  if (args.state === 'drained') return `Timeout when waiting for ${what} to drain`
  return args.path ? `Timeout when waiting for ${args.path} to be absent.` : `Timeout when waiting for ${what} to stop.`
}

/** One check; a RegExpExecArray (or true) when the wanted state holds. */
async function probe(args: WaitForArgs, regex: RegExp | undefined, ctx: ModuleContext): Promise<RegExpExecArray | boolean> {
  const run = (cmd: string) => read(ctx, cmd, { timeoutMs: args.connect_timeout * 1000 + 5000, okCodes: 'any' })
  if (args.path !== undefined) {
    if (!isUp(args)) return (await run(sh`test -e ${args.path}`)).rc !== 0
    if (!regex) return (await run(sh`test -e ${args.path}`)).rc === 0
    const r = await run(sh`cat -- ${args.path}`)
    return r.rc === 0 && (regex.exec(r.stdout) ?? false)
  }
  const port = args.port!
  if (args.state === 'drained') return !activeConnection(args, (await run('cat /proc/net/tcp /proc/net/tcp6 2>/dev/null')).stdout)
  const t = String(args.connect_timeout)
  const cmd = regex && isUp(args) ? sh`timeout ${t} bash -c ${READ_SCRIPT} wait_for ${args.host} ${port}` : sh`timeout ${t} bash -c ${'exec 3<>"/dev/tcp/$1/$2"'} wait_for ${args.host} ${port}`
  const r = await run(cmd)
  const open = regex && isUp(args) ? r.stdout.startsWith('tsplay-connected\n') : r.rc === 0
  if (!isUp(args)) return !open
  if (!open || !regex) return open
  return regex.exec(r.stdout.slice('tsplay-connected\n'.length)) ?? false
}

/** Any socket on the port in an active state, as /proc/net/tcp lists them (hex local address). */
function activeConnection(args: WaitForArgs, table: string): boolean {
  const wanted = new Set(args.active_connection_states)
  const anyHost = ['0.0.0.0', '::', ''].includes(args.host)
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/)
    const local = /^([0-9A-F]+):([0-9A-F]{4})$/.exec(f[1] ?? '')
    if (!local || parseInt(local[2]!, 16) !== args.port) continue
    if (!wanted.has(TCP_STATES[f[3] ?? ''] ?? '')) continue
    if (anyHost || local[1]!.length !== 8 || ipv4(local[1]!) === args.host) return true
  }
  return false
}

/** /proc/net/tcp prints IPv4 addresses as little-endian hex: 0100007F is 127.0.0.1. */
function ipv4(hex: string): string {
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.')
}

function groups(m: RegExpExecArray | boolean): Partial<WaitForState> {
  if (typeof m === 'boolean') return {}
  return { match_groups: m.slice(1).map((g) => g ?? ''), match_groupdict: { ...(m.groups ?? {}) } }
}

function pause(seconds: number, ctx: ModuleContext): Promise<void> {
  if (seconds <= 0) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const done = (): void => (ctx.signal?.removeEventListener('abort', stop), resolve())
    const t = setTimeout(done, seconds * 1000)
    const stop = (): void => (clearTimeout(t), reject(new InterruptedError('interrupted while waiting')))
    if (ctx.signal?.aborted) stop()
    else ctx.signal?.addEventListener('abort', stop, { once: true })
  })
}
