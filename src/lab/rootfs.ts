// Root filesystems of other Debian releases for lab hosts: built once with debootstrap from the
// machine's own Debian archive, cached outside the project and /tmp, and used as a host's overlay
// lower layer instead of `/`. Built into a temporary dir and renamed (atomic), under a lock file
// so two bring-ups (two lab ids, two test files) never build the same tree at once.
import { createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { OptionsError, TsplayError } from '../errors.js'
import { isAlive } from './pids.js'
import { run } from './proc.js'

export const RELEASES = ['bullseye', 'bookworm', 'trixie'] as const
export type Release = (typeof RELEASES)[number]

/** What old/new need: the mail services, sshd, the migration's tools (rsync, iptables, sudo, dig,
 * swaks...) and courier's userdb for the virtual layout. Changing this list builds a new tree. */
export const ROOTFS_PACKAGES: readonly string[] = [
  'acl', 'attr', 'bind9-dnsutils', 'courier-authdaemon', 'courier-authlib-userdb', 'courier-imap', 'courier-pop',
  'file', 'iproute2', 'iptables', 'libsasl2-modules', 'maildrop', 'netbase', 'openssh-client', 'openssh-server',
  'openssl', 'passwd', 'postfix', 'postfix-pcre', 'procmail', 'procps', 'rsync', 'sasl2-bin', 'sudo', 'swaks',
  'xz-utils', 'zstd',
]

/** Where built trees live: outside the clone and /tmp, so later runs (and CI) reuse them. */
export function rootfsCacheDir(): string {
  return process.env.TSPLAY_ROOTFS_CACHE ?? '/var/cache/tsplay/rootfs'
}

/** The machine's own release (VERSION_CODENAME): hosts of that release keep `/` as lower layer. */
export function machineRelease(osRelease = '/etc/os-release'): string {
  const m = /^VERSION_CODENAME=("?)([a-z]+)\1$/m.exec(readFileSync(osRelease, 'utf8'))
  return m?.[2] ?? 'unknown'
}

export function parseRelease(value: string, flag: string): Release {
  if ((RELEASES as readonly string[]).includes(value)) return value as Release
  throw new OptionsError(`${flag} must be one of ${RELEASES.join(', ')}, not '${value}'`)
}

/** The cache key: release + package list, so a changed list never reuses a stale tree. */
export function rootfsDir(release: string, packages: readonly string[] = ROOTFS_PACKAGES, cache = rootfsCacheDir()): string {
  const hash = createHash('sha256').update(`${release}\n${packages.join(',')}`).digest('hex').slice(0, 12)
  return join(cache, `${release}-${hash}`)
}

/** The Debian archive the machine's apt uses (deb822 .sources or one-line .list), not -security. */
export function archiveUrl(aptDir = '/etc/apt'): string {
  const files = [join(aptDir, 'sources.list')]
  const d = join(aptDir, 'sources.list.d')
  if (existsSync(d)) files.push(...readdirSync(d).sort().map((f) => join(d, f)))
  for (const f of files) {
    if (!existsSync(f)) continue
    const text = readFileSync(f, 'utf8')
    const uris = [
      ...[...text.matchAll(/^URIs:\s*(\S+)/gm)].map((m) => m[1]!),
      ...[...text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/gm)].map((m) => m[1]!),
    ]
    const main = uris.find((u) => /^https?:\/\/.*\/debian\/?$/.test(u))
    if (main) return main.replace(/\/$/, '')
  }
  return 'http://deb.debian.org/debian'
}

/** The lower layer for a host of `release`: `/` for the machine's own, else the cached tree
 * (built first when missing: minutes, logged). */
export async function ensureRootfs(release: string, log: (line: string) => void): Promise<string> {
  if (release === machineRelease()) return '/'
  const dir = rootfsDir(release)
  if (existsSync(dir)) return dir
  mkdirSync(rootfsCacheDir(), { recursive: true })
  const release_ = await lock(`${dir}.lock`, log)
  try {
    if (existsSync(dir)) return dir // another process built it while we waited
    await build(release, dir, log)
    return dir
  } finally {
    release_()
  }
}

async function build(release: string, dir: string, log: (line: string) => void): Promise<void> {
  const tmp = `${dir}.build-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  const url = archiveUrl()
  const started = Date.now()
  log(`Building the ${release} root filesystem with debootstrap from ${url} (once; a few minutes) into ${dir}`)
  const r = await run(['debootstrap', '--variant=minbase', `--include=${ROOTFS_PACKAGES.join(',')}`, release, tmp, url], {
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (r.rc !== 0) {
    const logTail = existsSync(join(tmp, 'debootstrap/debootstrap.log'))
      ? readFileSync(join(tmp, 'debootstrap/debootstrap.log'), 'utf8').split('\n').slice(-15).join('\n')
      : r.stderr.trim().split('\n').slice(-15).join('\n')
    rmSync(tmp, { recursive: true, force: true })
    throw new TsplayError(`debootstrap of ${release} failed (exit ${r.rc})`, {
      hint: `${logTail}\nIs ${url} reachable, and is debootstrap installed (scripts/install-deps.sh)?`,
    })
  }
  // The tree is read-only from now on: no package cache, no host keys of its own (each host makes its own).
  await run(['sh', '-c', 'rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/etc/ssh/ssh_host_*', 'sh', tmp])
  renameSync(tmp, dir)
  log(`Built ${dir} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

/** An exclusive lock file holding our PID; a lock whose PID is gone is taken over. */
async function lock(path: string, log: (line: string) => void): Promise<() => void> {
  let said = false
  for (;;) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(path, { force: true })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const text = readFileSafe(path)
    const holder = Number(text)
    // An empty file is a lock being taken this instant: wait for its PID.
    if (text !== '' && (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder))) {
      rmSync(path, { force: true }) // its builder died; its temp dir has its PID and is ignored
      continue
    }
    if (!said) log(`Waiting for process ${holder}, which is building the same root filesystem`)
    said = true
    await new Promise((r) => setTimeout(r, 1000))
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return ''
  }
}
