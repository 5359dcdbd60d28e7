// The lab's fixed layout: subnet, names, addresses and mail users. One place so docs/lab.md,
// the inventory and the tests agree.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { OptionsError } from '../errors.js'

/** TSPLAY_LAB_ID (0-99) lets several labs run side by side (parallel test runs): each id gets its
 * own subnet, namespaces, state dir and inventory folder. 0 (the default) keeps the plain names. */
const LAB_ID = (() => {
  const raw = process.env.TSPLAY_LAB_ID ?? '0'
  const n = Number(raw)
  // Read when the lab code is loaded, so a bad value is an options error the CLI prints cleanly.
  if (!Number.isInteger(n) || n < 0 || n > 99) {
    throw new OptionsError(`TSPLAY_LAB_ID must be a whole number 0-99, got '${raw}'`, { hint: 'Unset it for the default lab, or set e.g. TSPLAY_LAB_ID=3.' })
  }
  return n
})()
const SUFFIX = LAB_ID === 0 ? '' : String(LAB_ID)

/** The lab /24. Only ever configured inside namespaces the lab creates (and the controller veth). */
export const SUBNET_PREFIX = `10.203.${LAB_ID}`
export const SUBNET = `${SUBNET_PREFIX}.0/24`
export const CONTROLLER_IP = `${SUBNET_PREFIX}.1`
/** The lab's IPv6 /64, a ULA prefix derived from the lab id (the same number as the /24's third
 * byte); only ever configured inside the lab's namespaces and on the controller veth. Host
 * addresses end like their IPv4 ones: 10.203.ID.10 and fd10:203:ID:1::10. */
export const SUBNET6_PREFIX = `fd10:203:${LAB_ID}:1::`
export const SUBNET6 = `${SUBNET6_PREFIX}/64`
export const CONTROLLER_IP6 = `${SUBNET6_PREFIX}1`
export const MAIL_DOMAIN = 'example.test'

/** The bridge lives in its own netns so the machine's FORWARD chain (br_netfilter) never sees lab traffic. */
export const BRIDGE_NETNS = `tsplay-br${SUFFIX}`
export const BRIDGE_DEV = 'br0'
/** Controller veth: this end stays in the root netns, the peer joins the bridge. */
export const CONTROLLER_VETH = `tsplay-ctl${SUFFIX}`
export const CONTROLLER_PEER = 'ctl0'

export const HOST_NETNS_PREFIX = `lab${SUFFIX}-`
export const MAX_BENCH_HOSTS = 100

export type HostRole = 'mail' | 'client' | 'bench'

export interface HostSpec {
  name: string
  ip: string
  /** Its IPv6 address in the lab's ULA /64. */
  ip6: string
  role: HostRole
}

export interface MailUser {
  name: string
  uid: number
  password: string
  /** The password hash scheme on old: the release's default (yescrypt since Debian 11), or
   * SHA-512 crypt, as for a password last set before Debian 11. */
  hash?: 'sha512'
}

/** How old keeps mail: `system` = users in /etc/passwd with ~/Maildir, courier through PAM;
 * `virtual` = one vmail account owns /var/vmail/<domain>/<user>/, courier's userdb has the logins. */
export const MAIL_LAYOUTS = ['system', 'virtual'] as const
export type MailLayout = (typeof MAIL_LAYOUTS)[number]

/** The virtual layout's mail owner and mailbox root. */
export const VMAIL = { user: 'vmail', uid: 5000, gid: 5000, base: '/var/vmail' } as const

/** Mail users; they exist on `old` only (the migration copies them to `new`). */
export const MAIL_USERS: readonly MailUser[] = [
  { name: 'alice', uid: 2001, password: 'alice-lab-pw' },
  { name: 'bob', uid: 2002, password: 'bob-lab-pw', hash: 'sha512' },
  { name: 'carol', uid: 2003, password: 'carol-lab-pw' },
]

/** Which hosts a lab has: old/new/client with mail, then h1..hN for benchmarks. */
export function hostSpecs(opts: { mail: boolean; hosts: number }): HostSpec[] {
  const specs: HostSpec[] = []
  const host = (name: string, n: number, role: HostRole): HostSpec => ({ name, ip: `${SUBNET_PREFIX}.${n}`, ip6: `${SUBNET6_PREFIX}${n}`, role })
  if (opts.mail) specs.push(host('old', 10, 'mail'), host('new', 11, 'mail'), host('client', 12, 'client'))
  for (let i = 1; i <= opts.hosts; i++) specs.push(host(`h${i}`, 100 + i, 'bench'))
  return specs
}

export function fqdn(host: string): string {
  return `${host}.${MAIL_DOMAIN}`
}

/** The folder holding package.json, found from this file (works from dist/ and dist-lab/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && /"name":\s*"tsplay"/.test(readFileSync(pkg, 'utf8'))) return dir
    const up = dirname(dir)
    if (up === dir) return process.cwd()
    dir = up
  }
}

export const DEFAULT_STATE_DIR = `/tmp/tsplay-lab${SUFFIX}`
export function defaultInventoryDir(): string {
  return join(projectRoot(), 'inventory', `lab${SUFFIX}`)
}
