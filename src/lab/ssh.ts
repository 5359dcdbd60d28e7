// The controller's side of SSH: one ed25519 key, a known_hosts written fresh from each host's
// new host key (read from the host's disk, not scanned over the network), and an ssh_config.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fqdn, SUBNET_PREFIX } from './config.js'
import { runOk } from './proc.js'
import type { HostState, LabState } from './types.js'

export function sshPaths(stateDir: string): LabState['ssh'] {
  const dir = join(stateDir, 'ssh')
  return {
    privateKey: join(dir, 'id_ed25519'),
    publicKey: join(dir, 'id_ed25519.pub'),
    knownHosts: join(dir, 'known_hosts'),
    config: join(dir, 'ssh_config'),
  }
}

export async function makeControllerKey(paths: LabState['ssh']): Promise<void> {
  mkdirSync(join(paths.privateKey, '..'), { recursive: true, mode: 0o700 })
  rmSync(paths.privateKey, { force: true })
  rmSync(paths.publicKey, { force: true })
  await runOk(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'tsplay-lab-controller', '-f', paths.privateKey])
}

/** One line per host: "old,old.example.test,10.203.0.10 ssh-ed25519 AAAA...". */
export function knownHostsText(keys: ReadonlyArray<{ host: HostState; key: string }>): string {
  return keys
    .map(({ host, key }) => `${host.name},${fqdn(host.name)},${host.ip} ${key.split(/\s+/).slice(0, 2).join(' ')}`)
    .join('\n') + '\n'
}

export function sshConfigText(hosts: readonly HostState[], paths: LabState['ssh']): string {
  const blocks = hosts.map((h) => `Host ${h.name} ${fqdn(h.name)}\n  HostName ${h.ip}\n  HostKeyAlias ${h.name}\n`)
  return `# tsplay lab: use with ssh -F ${paths.config} old
${blocks.join('')}
Host ${hosts.map((h) => h.name).join(' ')} ${SUBNET_PREFIX}.*
  User root
  IdentityFile ${paths.privateKey}
  IdentitiesOnly yes
  UserKnownHostsFile ${paths.knownHosts}
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
  LogLevel ERROR
`
}

export function writeSshFiles(paths: LabState['ssh'], hosts: readonly HostState[], keys: ReadonlyArray<{ host: HostState; key: string }>): void {
  writeFileSync(paths.knownHosts, knownHostsText(keys), { mode: 0o644 })
  writeFileSync(paths.config, sshConfigText(hosts, paths), { mode: 0o644 })
}
