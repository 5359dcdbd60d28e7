// Shared by the lab tests: when they can run, where their lab lives, and what "nothing left" means.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { BRIDGE_NETNS, CONTROLLER_VETH, HOST_NETNS_PREFIX } from '../../src/lab/config.js'

export const TEST_STATE_DIR = '/tmp/tsplay-lab-test'
export const TEST_INVENTORY_DIR = '/tmp/tsplay-lab-test-inv'

/** Why the lab tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'the lab needs root'
  try {
    execFileSync('unshare', ['--net', '--mount', 'true'], { stdio: 'ignore' })
  } catch {
    return 'this machine cannot create namespaces'
  }
  if (existsSync(`/run/netns/${BRIDGE_NETNS}`)) return `a lab is already up (netns ${BRIDGE_NETNS}); take it down first`
  return undefined
}

/** Everything this lab (its TSPLAY_LAB_ID) could leave behind that is still there; [] when clean.
 * Other labs on the machine (other ids) are not ours to judge. */
export function leftovers(stateDir: string, pids: readonly number[]): string[] {
  const out: string[] = []
  const ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
  for (const line of ns.split('\n')) {
    const name = line.split(' ')[0] ?? ''
    if (name.startsWith(HOST_NETNS_PREFIX) || name === BRIDGE_NETNS) out.push(`netns ${name}`)
  }
  try {
    execFileSync('ip', ['link', 'show', 'dev', CONTROLLER_VETH], { stdio: 'ignore' })
    out.push(`veth ${CONTROLLER_VETH}`)
  } catch {}
  for (const m of readFileSync('/proc/mounts', 'utf8').split('\n')) if (m.includes(stateDir)) out.push(`mount ${m}`)
  for (const pid of pids) if (existsSync(`/proc/${pid}/cmdline`) && !isZombie(pid)) out.push(`pid ${pid}`)
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cl = readFileSync(`/proc/${p}/cmdline`, 'utf8')
      if (cl.includes(stateDir) && Number(p) !== process.pid) out.push(`process ${p}: ${cl.split('\0').join(' ')}`)
    } catch {}
  }
  if (existsSync(stateDir)) out.push(`dir ${stateDir}`)
  return out
}

function isZombie(pid: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return s.slice(s.lastIndexOf(')') + 2).startsWith('Z')
  } catch {
    return true
  }
}
