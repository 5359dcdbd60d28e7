// The tools the lab needs on the machine, and installing them (scripts/install-deps.sh) when
// some are missing. Never called while hosts are up: they share the machine's / as lower layer.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { TsplayError } from '../errors.js'
import { projectRoot } from './config.js'
import { CLEAN_ENV } from './proc.js'

/** A file that proves a package is installed, and the package. */
const REQUIRED: ReadonlyArray<readonly [string, string]> = [
  ['/usr/sbin/ip', 'iproute2'],
  ['/usr/bin/nsenter', 'util-linux'],
  ['/usr/bin/setfattr', 'attr'],
  ['/usr/sbin/sshd', 'openssh-server'],
  ['/usr/bin/ssh', 'openssh-client'],
  ['/usr/sbin/postfix', 'postfix'],
  ['/usr/bin/swaks', 'swaks'],
  ['/usr/sbin/authdaemond', 'courier-authdaemon'],
  ['/usr/sbin/pop3d', 'courier-pop'],
  ['/usr/sbin/imapd', 'courier-imap'],
  ['/usr/sbin/iptables', 'iptables'],
  ['/usr/bin/rsync', 'rsync'],
  ['/usr/bin/sudo', 'sudo'],
  ['/usr/bin/openssl', 'openssl'],
  // Builds the root filesystems of other Debian releases (--old-release / --new-release).
  ['/usr/sbin/debootstrap', 'debootstrap'],
]

export function missingPackages(): string[] {
  return [...new Set(REQUIRED.filter(([file]) => !existsSync(file)).map(([, pkg]) => pkg))]
}

export function installScriptPath(): string {
  return join(projectRoot(), 'scripts', 'install-deps.sh')
}

/** Run scripts/install-deps.sh, passing its output to log line by line. */
export function installDeps(log: (line: string) => void): Promise<void> {
  const script = installScriptPath()
  if (!existsSync(script)) {
    return Promise.reject(new TsplayError(`Cannot find ${script}`, { hint: 'Run tsplay from its project folder.' }))
  }
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { env: { ...CLEAN_ENV, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'pipe', 'pipe'] })
    const tail: string[] = []
    const onData = (b: Buffer): void => {
      for (const line of b.toString().split('\n')) {
        if (!line.trim()) continue
        tail.push(line)
        if (tail.length > 20) tail.shift()
        log(`  ${line}`)
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('error', (e) => reject(new TsplayError(`Cannot run ${script}: ${e.message}`, { cause: e })))
    child.on('close', (code) => {
      if (code === 0) resolve()
      else reject(new TsplayError(`Installing the lab's packages failed (exit ${code})`, { hint: tail.join('\n') }))
    })
  })
}
