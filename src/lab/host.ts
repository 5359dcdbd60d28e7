// Starting and stopping one lab host: its upper dir, its init (PID 1 in fresh namespaces) and
// the root-netns PIDs recorded so a later `down` can kill exactly those.
import { spawn } from 'node:child_process'
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TsplayError } from '../errors.js'
import { CLEAN_ENV, runOk } from './proc.js'
import { INIT_SCRIPT } from './init-script.js'
import type { HostState } from './types.js'

export function initScriptPath(stateDir: string): string {
  return join(stateDir, 'init.sh')
}

/** Fresh upper/work dirs; /root and /home opaque so the machine's dotfiles and keys stay out. */
export async function prepareHostDir(dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true })
  for (const d of ['upper', 'work', 'root']) mkdirSync(join(dir, d), { recursive: true })
  mkdirSync(join(dir, 'upper/root'), { mode: 0o700 })
  mkdirSync(join(dir, 'upper/home'), { mode: 0o755 })
  chmodSync(join(dir, 'upper/root'), 0o700)
  for (const d of ['root', 'home']) {
    await runOk(['setfattr', '-n', 'trusted.overlay.opaque', '-v', 'y', join(dir, 'upper', d)])
  }
}

export function writeInitScript(stateDir: string): void {
  writeFileSync(initScriptPath(stateDir), INIT_SCRIPT, { mode: 0o755 })
}

/** Spawn the host's init detached (its own session); resolves once it has pivoted into its root. */
export async function startHost(stateDir: string, h: HostState, onPid: (h: HostState) => void): Promise<void> {
  const logPath = join(h.dir, 'init.log')
  const log = openSync(logPath, 'w')
  const argv = ['netns', 'exec', h.netns, 'unshare', '--mount', '--uts', '--ipc', '--pid', '--fork',
    '--propagation', 'private', '/bin/sh', initScriptPath(stateDir), h.dir, h.name, h.lower ?? '/']
  // `ip netns exec` execs unshare in place, so child.pid is unshare's PID.
  const child = spawn('ip', argv, { detached: true, stdio: ['ignore', log, log], env: CLEAN_ENV })
  closeSync(log)
  child.unref()
  let exited = false
  child.on('exit', () => (exited = true))
  h.unsharePid = child.pid
  onPid(h)
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (h.initPid === undefined && h.unsharePid !== undefined) {
      h.initPid = childOf(h.unsharePid)
      if (h.initPid !== undefined) onPid(h)
    }
    const text = readFileSync(logPath, 'utf8')
    if (h.initPid !== undefined && text.includes('READY')) return
    if (exited) break
    await sleep(15)
  }
  throw new TsplayError(`Lab host ${h.name} did not start`, {
    hint: `Its init log says:\n${readFileSync(logPath, 'utf8').trim() || '(nothing)'}`,
  })
}

function childOf(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]
    return first ? Number(first) : undefined
  } catch {
    return undefined
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
