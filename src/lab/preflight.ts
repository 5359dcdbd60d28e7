// Checks before bring-up: root, network namespaces, overlayfs, a free subnet, and the packages.
import { existsSync, readFileSync } from 'node:fs'
import { TsplayError } from '../errors.js'
import { SUBNET_PREFIX, SUBNET6_PREFIX, CONTROLLER_VETH } from './config.js'
import { installDeps, missingPackages } from './deps.js'
import { run } from './proc.js'

export async function preflight(log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new TsplayError('tsplay lab needs root (it creates network namespaces and overlay mounts)', {
      hint: 'Run it as root, e.g. `sudo tsplay lab up --mail`.',
    })
  }
  const ns = await run(['unshare', '--net', '--mount', '--pid', '--fork', 'true'])
  if (ns.rc !== 0) {
    throw new TsplayError('This machine cannot create network/mount/PID namespaces', {
      hint: `unshare said: ${ns.stderr.trim() || `exit ${ns.rc}`}. Containers often forbid it; use a VM or a privileged container.`,
    })
  }
  if (!hasOverlay()) {
    await run(['modprobe', 'overlay'])
    if (!hasOverlay()) {
      throw new TsplayError('overlayfs is not available on this kernel', {
        hint: 'Load it with `modprobe overlay` (package kmod) or use a kernel with CONFIG_OVERLAY_FS.',
      })
    }
  }
  const routes = await run(['ip', '-4', 'route', 'show'])
  const clash = routes.stdout.split('\n').find((l) => l.startsWith(`${SUBNET_PREFIX}.`) && !l.includes(`dev ${CONTROLLER_VETH}`))
  if (clash) {
    throw new TsplayError(`The lab subnet ${SUBNET_PREFIX}.0/24 is already routed on this machine: ${clash.trim()}`, {
      hint: 'The lab would shadow that network; remove the route or change SUBNET_PREFIX in src/lab/config.ts.',
    })
  }
  if (!existsSync('/proc/sys/net/ipv6')) {
    throw new TsplayError('This kernel has no IPv6 (lab hosts get IPv6 addresses too)', {
      hint: 'Boot without ipv6.disable=1, or load the ipv6 module.',
    })
  }
  const routes6 = await run(['ip', '-6', 'route', 'show'])
  const clash6 = routes6.stdout.split('\n').find((l) => l.startsWith(SUBNET6_PREFIX) && !l.includes(`dev ${CONTROLLER_VETH}`))
  if (clash6) {
    throw new TsplayError(`The lab's IPv6 prefix ${SUBNET6_PREFIX}/64 is already routed on this machine: ${clash6.trim()}`, {
      hint: 'Another lab with the same TSPLAY_LAB_ID may be up; take it down first.',
    })
  }
  const missing = missingPackages()
  if (missing.length > 0) {
    log(`Installing missing packages: ${missing.join(' ')} (scripts/install-deps.sh)`)
    await installDeps(log)
    const still = missingPackages()
    if (still.length > 0) throw new TsplayError(`Packages still missing after install: ${still.join(' ')}`)
  }
}

function hasOverlay(): boolean {
  return /\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'))
}
