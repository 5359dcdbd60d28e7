// `tsplay lab status`: which hosts are alive and what they listen on, read from /proc without
// entering the hosts (a host's /proc/PID/net/tcp shows its own netns).
import { readFileSync } from 'node:fs'
import { DEFAULT_STATE_DIR } from './config.js'
import { initMarkers } from './exec.js'
import { isOurs } from './pids.js'
import { readState } from './state.js'
import type { HostStatus, LabOptions, LabStatus } from './types.js'

export async function labStatus(opts: LabOptions = {}): Promise<LabStatus> {
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR
  const state = readState(stateDir)
  if (!state) return { up: false, degraded: false, stateDir, hosts: [] }
  const hosts: HostStatus[] = state.hosts.map((h) => {
    const alive = isOurs(h.initPid, initMarkers(stateDir, h))
    return { name: h.name, ip: h.ip, role: h.role, initPid: h.initPid, alive, ports: alive ? listeningPorts(h.initPid!) : [] }
  })
  const up = state.ready && hosts.length > 0 && hosts.every((h) => h.alive)
  return { up, degraded: !up, stateDir, inventoryDir: state.inventoryDir, startedAt: state.startedAt, hosts }
}

/** TCP ports (v4 and v6) in LISTEN state (0A) in the netns of pid. */
export function listeningPorts(pid: number): number[] {
  let text = ''
  for (const f of ['tcp', 'tcp6']) {
    try {
      text += readFileSync(`/proc/${pid}/net/${f}`, 'utf8')
    } catch {}
  }
  const ports = new Set<number>()
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/)
    if (f[3] === '0A' && f[1]) ports.add(parseInt(f[1].split(':')[1] ?? '0', 16))
  }
  return [...ports].sort((a, b) => a - b)
}

const SERVICE: Record<number, string> = { 22: 'ssh', 25: 'smtp', 110: 'pop3', 143: 'imap' }

export function formatStatus(s: LabStatus): string {
  if (s.hosts.length === 0) return `No lab is up (state dir ${s.stateDir}).`
  const head = s.up ? `Lab up since ${s.startedAt}` : 'Lab is DEGRADED (bring-up unfinished or hosts died): run `tsplay lab down`'
  const rows = s.hosts.map((h) => {
    const ports = h.ports.map((p) => SERVICE[p] ?? String(p)).join(',') || '-'
    return `  ${h.name.padEnd(8)} ${h.ip.padEnd(13)} ${h.role.padEnd(7)} ${(h.alive ? `up pid ${h.initPid}` : 'DOWN').padEnd(14)} ${ports}`
  })
  return [head, `  ${'HOST'.padEnd(8)} ${'IP'.padEnd(13)} ${'ROLE'.padEnd(7)} ${'STATE'.padEnd(14)} LISTENING`, ...rows,
    `  inventory: ${s.inventoryDir}/hosts.yml`].join('\n')
}
