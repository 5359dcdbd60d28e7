// The bench's lab: installs what is missing first (never while hosts are up), brings up one lab
// for the whole run (TSPLAY_LAB_ID, default 0), and always takes it down: at the end, on a
// failure, and on Ctrl-C / SIGTERM.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync } from 'node:fs'
import { basename } from 'node:path'
import { DEFAULT_STATE_DIR } from '../../src/lab/config.js'
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

/** The lab's state dir (every host's overlay upper dir, so the mailboxes) on a scratch ext4 image
 * without journal or discard, for runs that write millions of files. This machine's / is mounted
 * with `discard`: there removing a file that has a data block costs ~2 ms (50,000 tiny messages:
 * 97 s; a million-message run's three copies: over an hour). The image goes as one file after
 * the lab is down. Registered before the lab, so its cleanup runs after the lab's. */
export function scratchLabDir(gib: number, inodes: number, log: Log): void {
  const dir = DEFAULT_STATE_DIR
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} is not empty (a lab is up?): take it down first`)
  const img = `/var/tmp/${basename(dir)}-bench.img`
  const sh = (argv: string[]): void => {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.status}): ${r.stderr}`)
  }
  log(`Lab state dir ${dir} on a scratch ext4 image (${gib} GiB sparse, ${inodes.toLocaleString('en')} inodes, no journal, no discard): ${img}`)
  rmSync(img, { force: true })
  onCleanup(() => {
    if (spawnSync('mountpoint', ['-q', dir]).status === 0) {
      const u = spawnSync('umount', [dir])
      if (u.status !== 0) spawnSync('umount', ['-l', dir])
    }
    rmSync(img, { force: true })
    try {
      rmdirSync(dir)
    } catch {}
  })
  sh(['truncate', '-s', `${gib}G`, img])
  sh(['mkfs.ext4', '-q', '-F', '-m', '0', '-N', String(inodes), '-O', '^has_journal', '-E', 'nodiscard,lazy_itable_init=1', img])
  mkdirSync(dir, { recursive: true })
  sh(['mount', '-o', 'loop,nodiscard', img, dir])
}
