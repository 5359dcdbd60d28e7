// Running commands inside a lab host: nsenter into every namespace of its init, by PID.
import { writeFile, mkdir, chown } from 'node:fs/promises'
import { dirname } from 'node:path'
import { TsplayError } from '../errors.js'
import { DEFAULT_STATE_DIR } from './config.js'
import { initScriptPath } from './host.js'
import { isOurs } from './pids.js'
import { run, commandFailed, type RunOptions } from './proc.js'
import { readState } from './state.js'
import type { ExecResult, HostState, LabOptions } from './types.js'

export function initMarkers(stateDir: string, h: HostState): string[] {
  return [initScriptPath(stateDir), h.dir]
}

function nsenterArgv(pid: number, argv: readonly string[]): string[] {
  return ['nsenter', '-t', String(pid), '-m', '-u', '-i', '-n', '-p', '-r', '-w', '--', ...argv]
}

/** Run argv in a running host (state already loaded). Non-zero exit is a value. */
export function hostRun(h: HostState, argv: readonly string[], opts: RunOptions = {}): Promise<ExecResult> {
  if (h.initPid === undefined) throw new TsplayError(`Lab host ${h.name} has no recorded init PID`)
  return run(nsenterArgv(h.initPid, argv), opts)
}

/** Run a shell script (built with sh``) in a host; throws "Command failed..." on non-zero exit. */
export async function hostSh(h: HostState, script: string, opts: RunOptions = {}): Promise<ExecResult> {
  const r = await hostRun(h, ['/bin/sh', '-ec', script], opts)
  if (r.rc !== 0) throw commandFailed(`[${h.name}] ${script.trim().split('\n')[0]}...`, r)
  return r
}

/** Write a file inside a host through /proc/PID/root (no exec needed). */
export async function hostWrite(h: HostState, path: string, content: string | Buffer, mode = 0o644, uid = 0, gid = 0): Promise<void> {
  const full = `/proc/${h.initPid}/root${path}`
  await mkdir(dirname(full), { recursive: true })
  await writeFile(full, content, { mode })
  await chown(full, uid, gid)
}

export function hostPath(h: HostState, path: string): string {
  return `/proc/${h.initPid}/root${path}`
}

/** `tsplay lab exec HOST -- argv`: run in the host's namespaces, as root, with a clean env. */
export async function labExec(host: string, argv: string[], opts: LabOptions & RunOptions = {}): Promise<ExecResult> {
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR
  const state = readState(stateDir)
  if (!state) throw new TsplayError('No lab is up', { hint: 'Start one with `tsplay lab up --mail`.' })
  const h = state.hosts.find((x) => x.name === host)
  if (!h) {
    throw new TsplayError(`No lab host named ${host}`, { hint: `The lab has: ${state.hosts.map((x) => x.name).join(', ')}` })
  }
  if (!isOurs(h.initPid, initMarkers(stateDir, h))) {
    throw new TsplayError(`Lab host ${host} is not running`, { hint: 'Run `tsplay lab down` then `tsplay lab up` again.' })
  }
  if (argv.length === 0) throw new TsplayError('Nothing to run', { hint: 'Usage: tsplay lab exec HOST -- CMD [ARGS...]' })
  return hostRun(h, argv, opts)
}

