// The lab network: a bridge in its own netns, one netns per host joined by a veth pair, and one
// veth from the root netns that gives the controller an address. No default route anywhere.
import { existsSync } from 'node:fs'
import { BRIDGE_DEV, CONTROLLER_PEER } from './config.js'
import { run, runOk } from './proc.js'

const PREFIX_LEN = 24
const PREFIX6_LEN = 64

export function netnsExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`)
}

export async function linkExists(name: string): Promise<boolean> {
  return (await run(['ip', 'link', 'show', 'dev', name])).rc === 0
}

/** The bridge netns with br0 up; loopback only, no addresses, no routes. */
export async function createBridge(ns: string): Promise<void> {
  await runOk(['ip', 'netns', 'add', ns])
  await runOk(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
  await runOk(['ip', '-n', ns, 'link', 'add', BRIDGE_DEV, 'type', 'bridge'])
  await runOk(['ip', '-n', ns, 'link', 'set', BRIDGE_DEV, 'up'])
}

/** veth from the root netns into the bridge: the controller's only way into the lab. */
export async function createControllerLink(bridgeNs: string, veth: string, ip: string, ip6: string): Promise<void> {
  await runOk(['ip', 'link', 'add', veth, 'type', 'veth', 'peer', 'name', CONTROLLER_PEER, 'netns', bridgeNs])
  await runOk(['ip', '-n', bridgeNs, 'link', 'set', CONTROLLER_PEER, 'master', BRIDGE_DEV, 'up'])
  await runOk(['ip', 'addr', 'add', `${ip}/${PREFIX_LEN}`, 'dev', veth])
  // nodad: the address is usable at once (no duplicate detection on a link the lab owns).
  await runOk(['ip', '-6', 'addr', 'add', `${ip6}/${PREFIX6_LEN}`, 'dev', veth, 'nodad'])
  await runOk(['ip', 'link', 'set', veth, 'up'])
}

/** A host netns with eth0 (its address) and lo; the peer is enslaved to the bridge. */
export async function createHostNetwork(bridgeNs: string, ns: string, veth: string, ip: string, ip6: string): Promise<void> {
  await runOk(['ip', 'netns', 'add', ns])
  // Both ends are made inside the bridge netns, so no host veth ever appears in the root netns.
  await runOk(['ip', '-n', bridgeNs, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns])
  await runOk(['ip', '-n', bridgeNs, 'link', 'set', veth, 'master', BRIDGE_DEV, 'up'])
  await runOk(['ip', '-n', ns, 'addr', 'add', `${ip}/${PREFIX_LEN}`, 'dev', 'eth0'])
  await runOk(['ip', '-n', ns, '-6', 'addr', 'add', `${ip6}/${PREFIX6_LEN}`, 'dev', 'eth0', 'nodad'])
  await runOk(['ip', '-n', ns, 'link', 'set', 'eth0', 'up'])
  await runOk(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
}

/** Idempotent: deleting a netns also destroys the veth ends inside it. */
export async function deleteNetns(name: string): Promise<void> {
  if (!netnsExists(name)) return
  const r = await run(['ip', 'netns', 'delete', name])
  if (r.rc !== 0 && netnsExists(name)) await runOk(['ip', 'netns', 'delete', name])
}

export async function deleteLink(name: string): Promise<void> {
  if (await linkExists(name)) await run(['ip', 'link', 'delete', 'dev', name])
}

/** PIDs of processes whose netns is `ns` (`ip netns pids`): the safety net after a crash. */
export async function netnsPids(ns: string): Promise<number[]> {
  if (!netnsExists(ns)) return []
  const r = await run(['ip', 'netns', 'pids', ns])
  return r.stdout.split(/\s+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 1)
}
