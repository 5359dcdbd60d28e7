// The bench's lab: installs what is missing first (never while hosts are up), brings up one lab
// for the whole run (TSPLAY_LAB_ID, default 0), and always takes it down: at the end, on a
// failure, and on Ctrl-C / SIGTERM.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { labDown, labUp, type LabState } from '../../src/lab/index.js'
import { hostRun } from '../../src/lab/exec.js'
import type { HostState } from '../../src/lab/types.js'

export type Log = (line: string) => void

/** Debian's ansible-core and GNU time, installed from apt when missing, before any lab is up. */
export function ensureTools(log: Log): void {
  const missing: string[] = []
  if (!existsSync('/usr/bin/ansible-playbook')) missing.push('ansible-core')
  if (!existsSync('/usr/bin/time')) missing.push('time')
  if (missing.length === 0) return
  log(`Installing ${missing.join(' ')} from apt (apt-get install --no-install-recommends) before the lab comes up`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  for (const argv of [['apt-get', 'update', '-q'], ['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...missing]]) {
    const r = spawnSync(argv[0]!, argv.slice(1), { env, stdio: 'inherit' })
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.status})`)
  }
}

export function ansibleVersion(): string {
  const r = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_HOME: '/tmp', ANSIBLE_LOCAL_TEMP: '/tmp' } })
  return (r.stdout.split('\n')[0] ?? '').trim()
}

const cleanups: Array<() => Promise<void> | void> = []

/** Registered cleanups run (last first) at the end, on failure and on a signal. */
export function onCleanup(f: () => Promise<void> | void): void {
  cleanups.push(f)
}

let cleaning: Promise<void> | undefined
export function cleanupAll(log: Log): Promise<void> {
  cleaning ??= (async () => {
    for (const f of cleanups.reverse()) {
      try {
        await f()
      } catch (e) {
        log(`cleanup failed: ${(e as Error).message}`)
      }
    }
  })()
  return cleaning
}

export function trapSignals(log: Log): void {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      log(`\n${sig}: taking the lab down`)
      void cleanupAll(log).finally(() => process.exit(130))
    })
  }
}

export async function bringUp(opts: { hosts: number; mail: boolean; log: Log }): Promise<LabState> {
  // Registered before bring-up: labDown is safe when nothing (or half a lab) exists.
  onCleanup(async () => {
    opts.log('Taking the lab down')
    await labDown({ log: opts.log })
  })
  return labUp({ hosts: opts.hosts, mail: opts.mail, log: opts.log })
}

/** Run a shell script as root in each host (nsenter; not over ssh, not measured), 8 at a time. */
export async function inHosts(hosts: readonly HostState[], script: string): Promise<void> {
  const queue = [...hosts]
  const worker = async (): Promise<void> => {
    for (let h = queue.shift(); h; h = queue.shift()) {
      const r = await hostRun(h, ['/bin/sh', '-c', script])
      if (r.rc !== 0) throw new Error(`[${h.name}] ${script}: exit ${r.rc}: ${r.stderr.trim()}`)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
}
