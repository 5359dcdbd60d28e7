// `tsplay lab down`: kill each host's recorded PIDs (checked against /proc/PID/cmdline), sweep
// any process left in a lab netns, delete the namespaces and veth, remove only the files the lab
// wrote. Idempotent; works from the state file alone after a crash.
import { readFileSync, rmSync, rmdirSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_STATE_DIR } from './config.js'
import { initMarkers } from './exec.js'
import { initScriptPath } from './host.js'
import { removeInventory } from './inventory.js'
import { deleteLink, deleteNetns, netnsPids } from './network.js'
import { isAlive, killIfOurs, waitGone } from './pids.js'
import { run } from './proc.js'
import { readState, removeState, statePath } from './state.js'
import type { HostState, LabOptions } from './types.js'

export async function labDown(opts: LabOptions = {}): Promise<void> {
  const log = opts.log ?? (() => {})
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR
  const state = readState(stateDir)
  if (!state) {
    log(`No lab recorded in ${statePath(stateDir)}; nothing to do`)
    return
  }
  const started = Date.now()
  await Promise.all(state.hosts.map((h) => stopHost(stateDir, h)))
  await Promise.all(state.hosts.map((h) => deleteNetns(h.netns)))
  await deleteLink(state.controllerVeth)
  await deleteNetns(state.bridgeNetns)
  await Promise.all(state.hosts.map((h) => removeHostDir(h)))
  removeInventory(state.inventoryDir)
  rmSync(join(stateDir, 'ssh'), { recursive: true, force: true })
  rmSync(initScriptPath(stateDir), { force: true })
  removeState(stateDir)
  for (const d of [join(stateDir, 'hosts'), stateDir]) {
    try {
      rmdirSync(d) // only if empty: the state dir may be the user's own folder
    } catch {}
  }
  log(`Lab down in ${((Date.now() - started) / 1000).toFixed(2)} s`)
}

/** Killing a host's PID 1 kills its whole PID namespace and frees its mounts. */
async function stopHost(stateDir: string, h: HostState): Promise<void> {
  await killIfOurs(h.initPid, initMarkers(stateDir, h))
  await killIfOurs(h.unsharePid, ['unshare', h.dir])
  // After a crash between spawn and recording the PID, or for a stray `lab exec`: anything
  // still in the host's netns is ours (ip netns pids matches the namespace itself, not names).
  for (const pid of await netnsPids(h.netns)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
    await waitGone(pid, 2000)
  }
  if (h.unsharePid !== undefined && isAlive(h.unsharePid)) await waitGone(h.unsharePid, 2000)
}

/** The upper dir holds whiteouts and device nodes; unmount first if anything is still mounted. */
async function removeHostDir(h: HostState): Promise<void> {
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '')
  for (const m of mounts.filter((m) => m === join(h.dir, 'root') || m.startsWith(join(h.dir, 'root') + '/')).reverse()) {
    await run(['umount', '-l', m])
  }
  // rm(1) rather than fs.rmSync: a host's upper dir may hold millions of files (the bench's
  // million-message mailboxes), which rm unlinks ~2.5× faster, and each host's rm runs beside
  // the others'. --one-file-system: never into anything still mounted below the dir.
  const r = await run(['rm', '-rf', '--one-file-system', '--', h.dir])
  if (r.rc !== 0) rmSync(h.dir, { recursive: true, force: true })
}
