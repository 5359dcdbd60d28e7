// reboot: reboot the host, wait until it is back (its boot time changed, test_command works),
// as ansible.builtin.reboot with its arguments. --check reports changed without rebooting.
import { UnreachableError } from '../../connection/connection.js'
import { sh } from '../../connection/quote.js'
import { defineModule, type CallOutcome, type ModuleContext } from '../module.js'
import { read } from '../read.js'
import { sleep, tryCommand, untilOk } from './reconnect.js'

export interface RebootArgs {
  pre_reboot_delay: number
  post_reboot_delay: number
  reboot_timeout: number
  connect_timeout: number
  test_command: string
  boot_time_command: string
  reboot_command?: string
  msg: string
  search_paths: string[]
}

export interface RebootState {
  /** What boot_time_command printed before the reboot. */
  bootTime: string
  local: boolean
}

const SEARCH_PATHS = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin']

export const reboot = defineModule<RebootArgs, RebootState>({
  name: 'reboot',
  description: 'Reboot the host and wait until it is back and answers test_command (like ansible.builtin.reboot).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      pre_reboot_delay: { type: 'integer', minimum: 0, default: 0, description: "Seconds before rebooting, given to the default shutdown command in whole minutes (under 60: 0); ignored with reboot_command, as Ansible does." },
      post_reboot_delay: { type: 'integer', minimum: 0, default: 0, description: 'Seconds to wait after the reboot command before checking that the host is back.' },
      reboot_timeout: { type: 'integer', minimum: 1, default: 600, description: 'Seconds to wait for the host to come back (boot time changed) and then pass test_command.' },
      connect_timeout: { type: 'integer', minimum: 1, default: 10, description: 'Seconds one connection attempt may take while waiting.' },
      test_command: { type: 'string', default: 'whoami', description: 'A command that must succeed on the rebooted host.' },
      boot_time_command: { type: 'string', default: 'cat /proc/sys/kernel/random/boot_id', description: 'A command whose output changes with every boot; the host is back when it prints something else.' },
      reboot_command: { type: 'string', description: `The command that reboots, with its arguments (default: shutdown -r <pre_reboot_delay minutes> "<msg>"); a bare name is looked up in search_paths first.` },
      msg: { type: 'string', default: 'Reboot initiated by Ansible', description: 'Message the default shutdown command broadcasts to users.' },
      search_paths: { type: 'array', items: { type: 'string' }, default: SEARCH_PATHS, description: 'Folders searched first for the reboot command.' },
    },
  },
  example: ['- name: Reboot into the new kernel', '  reboot:', '    reboot_timeout: 300'].join('\n'),
  async gather(args, ctx) {
    if (ctx.conn.transport === 'local') return { bootTime: '', local: true }
    const r = await read(ctx, args.boot_time_command, { what: `boot_time_command (${args.boot_time_command})` })
    return { bootTime: r.stdout.trim(), local: false }
  },
  plan(args, st) {
    if (st.local) return { changes: [], failed: 'Running reboot with local connection would reboot the control node.' }
    const cmd = rebootCommand(args)
    return {
      changes: [{ kind: 'call', describe: `reboot: ${cmd}`, run: (ctx) => rebootAndWait(args, st, cmd, ctx) }],
      data: { rebooted: true, elapsed: 0 },
      reason: `reboot with ${cmd}`,
    }
  },
})

/** The command run: reboot_command as given, else Ansible's Linux default; search_paths lead PATH. */
export function rebootCommand(args: RebootArgs): string {
  const run = args.reboot_command ?? `shutdown -r ${Math.floor(args.pre_reboot_delay / 60)} ${sh`${args.msg}`}`
  // reboot_command is a command line the user wrote (as Ansible runs it); the paths are quoted.
  return `PATH=${sh`${args.search_paths.join(':')}`}:"$PATH" ${run}`
}

async function rebootAndWait(args: RebootArgs, st: RebootState, cmd: string, ctx: ModuleContext): Promise<CallOutcome> {
  const start = Date.now()
  const elapsed = () => Math.round((Date.now() - start) / 1000)
  try {
    const r = await read(ctx, cmd, { timeoutMs: 60_000, okCodes: 'any' })
    // Killed with its session (the connection went down with the host) is what a reboot looks like.
    if (r.rc !== null && r.rc !== 0 && !r.signal) return { changed: false, failed: `Reboot command failed. Error was: '${r.stdout.trim()}, ${r.stderr.trim()}'`, data: { rebooted: false, elapsed: elapsed() } }
  } catch (e) {
    if (!(e instanceof UnreachableError)) throw e
  }
  await sleep(args.post_reboot_delay * 1000, ctx.signal)
  const deadline = start + args.reboot_timeout * 1000
  const connectMs = args.connect_timeout * 1000
  const back = await untilOk(ctx, deadline - Date.now(), 1000, async () => {
    const r = await tryCommand(ctx, args.boot_time_command, connectMs)
    if (!r.ok) return r
    return r.value!.stdout.trim() !== st.bootTime ? { ok: true } : { ok: false, why: 'boot time has not changed' }
  })
  if (!back.ok) return { changed: true, failed: `Timed out waiting for last boot time check (timeout=${args.reboot_timeout})`, data: { rebooted: true, elapsed: elapsed() } }
  const tested = await untilOk(ctx, Math.max(0, deadline - Date.now()), 1000, () => tryCommand(ctx, args.test_command, connectMs))
  if (!tested.ok) return { changed: true, failed: `Timed out waiting for post-reboot test command (timeout=${args.reboot_timeout})`, data: { rebooted: true, elapsed: elapsed() } }
  return { changed: true, data: { rebooted: true, elapsed: elapsed() } }
}
