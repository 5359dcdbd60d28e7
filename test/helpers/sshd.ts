// A real OpenSSH sshd on 127.0.0.1 for tests (own keys, config, log), plus throwaway users and keys.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Sshd {
  port: number
  pid: number
  dir: string
  logFile: string
  /** `[127.0.0.1]:port type base64` — a known_hosts line for this server. */
  knownHostsLine: string
  /** Let `user` log in with this public key (text of a .pub file). */
  authorize(user: string, publicKey: string): void
  log(): string
  /** How many logins sshd accepted (its "Accepted <method> for <user>" lines), for one user or all. */
  acceptedCount(user?: string): number
  /** SIGKILL the listener and every session process under it: a crashed server. */
  crash(): void
  stop(): Promise<void>
}

export interface SshdOptions {
  /** Extra sshd_config lines. They go first, since sshd keeps the first value it reads for a keyword. */
  config?: string[]
  keyType?: 'ed25519' | 'ecdsa' | 'rsa'
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)))
    c.on('error', () => resolve(false))
  })
}

/** Every descendant of `pid`, found through /proc (children first in the list's tail). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>()
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {}
  }
  const out: number[] = []
  const walk = (p: number): void => {
    for (const [c, pp] of parent) if (pp === p) (out.push(c), walk(c))
  }
  walk(pid)
  return out
}

function killPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {}
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-sshd-'))
  // sshd reads authorized_keys as the logging-in user, so they must be able to reach it.
  chmodSync(dir, 0o755)
  const type = opts.keyType ?? 'ed25519'
  const hostKey = join(dir, `ssh_host_${type}_key`)
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', 'tsplay-test-host', '-f', hostKey])
  mkdirSync(join(dir, 'authorized_keys'))
  const port = await freePort()
  const logFile = join(dir, 'sshd.log')
  const config = [
    ...(opts.config ?? []),
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'UsePAM no',
    'LogLevel VERBOSE',
    // The authorized_keys files live under /tmp, which StrictModes would reject.
    'StrictModes no',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}/%u`,
    'PermitRootLogin yes',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'Subsystem sftp internal-sftp',
  ]
  const cfgFile = join(dir, 'sshd_config')
  writeFileSync(cfgFile, config.join('\n') + '\n')
  execFileSync('/usr/sbin/sshd', ['-t', '-f', cfgFile])
  // The sshd runs in a mount namespace of its own where root's dotfiles are empty files: a root
  // login's bash would otherwise source this machine's ~/.bashrc (pyenv rehash, whose lock file,
  // left by any killed root session, makes every later login wait 60 s). The suite so never
  // depends on the machine's own root account. `exec` keeps the PID: child.pid is sshd's.
  const empty = join(dir, 'empty-dotfile')
  writeFileSync(empty, '')
  const hide = ['.bashrc', '.profile', '.bash_profile', '.bash_login']
    .map((f) => `[ -e /root/${f} ] && mount --bind ${empty} /root/${f};`).join(' ')
  const child: ChildProcess = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', '/bin/sh', '-c', `${hide} exec /usr/sbin/sshd -D -f ${cfgFile} -E ${logFile}`],
    { stdio: 'ignore' },
  )
  const pid = child.pid!
  // If the test process dies, do not leave a root sshd listening.
  const onExit = (): void => {
    for (const p of descendants(pid)) killPid(p, 'SIGKILL')
    killPid(pid, 'SIGKILL')
  }
  process.on('exit', onExit)
  for (let i = 0; !(await canConnect(port)); i++) {
    if (i > 100 || child.exitCode !== null) throw new Error(`sshd did not start: ${existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const pub = readFileSync(hostKey + '.pub', 'utf8').trim().split(/\s+/)
  const ownPid = (p: number): boolean => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('sshd')
    } catch {
      return false
    }
  }
  const killTree = (): void => {
    // Check each PID is still an sshd before killing it: PIDs are reused.
    const kids = descendants(pid)
    if (ownPid(pid)) killPid(pid, 'SIGKILL')
    for (const p of kids) killPid(p, 'SIGKILL')
  }
  const sshd: Sshd = {
    port,
    pid,
    dir,
    logFile,
    knownHostsLine: `[127.0.0.1]:${port} ${pub[0]} ${pub[1]}`,
    authorize: (user, publicKey) => appendFileSync(join(dir, 'authorized_keys', user), publicKey.trim() + '\n'),
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    acceptedCount: (user) =>
      sshd.log().split('\n').filter((l) => {
        const who = /^Accepted \S+ for (\S+) /.exec(l)?.[1]
        return who !== undefined && (user === undefined || who === user)
      }).length,
    crash: killTree,
    stop: async () => {
      killTree()
      if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r))
      process.off('exit', onExit)
      await rm(dir, { recursive: true, force: true })
    },
  }
  return sshd
}

export interface TestUser {
  name: string
  home: string
  remove(): void
}

/** A throwaway local account (the container is disposable and we are root). */
export function createUser(name: string, password?: string): TestUser {
  try {
    execFileSync('userdel', ['-r', '-f', name], { stdio: 'ignore' })
  } catch {}
  execFileSync('useradd', ['-m', '-s', '/bin/sh', name])
  // useradd leaves the account locked ('!'), and sshd without PAM refuses locked accounts even for keys.
  if (password !== undefined) execFileSync('chpasswd', { input: `${name}:${password}\n` })
  else execFileSync('usermod', ['-p', '*', name])
  return {
    name,
    home: `/home/${name}`,
    remove: () => {
      try {
        execFileSync('userdel', ['-r', '-f', name], { stdio: 'ignore' })
      } catch {}
    },
  }
}

/** A new ed25519 key pair in `dir`; returns the private key path (public is path + '.pub'). */
export function makeKey(dir: string, name: string, passphrase = ''): string {
  const path = join(dir, name)
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', `tsplay-${name}`, '-f', path])
  return path
}

export function readPub(keyPath: string): string {
  return readFileSync(keyPath + '.pub', 'utf8')
}
