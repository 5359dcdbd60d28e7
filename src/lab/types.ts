// The lab's public shapes: options, the state recorded on disk, and status.
import type { HostRole, MailLayout } from './config.js'

export interface LabOptions {
  /** Where state, keys and host upper dirs live; default /tmp/tsplay-lab. */
  stateDir?: string
  /** Where hosts.yml and group_vars/ are written; default <project>/inventory/lab. */
  inventoryDir?: string
  /** Progress lines ("starting old", "installing packages: ..."). */
  log?: (line: string) => void
}

export interface LabUpOptions extends LabOptions {
  /** Plain sshd hosts h1..hN for benchmarks. */
  hosts?: number
  /** Bring up the mail hosts old, new and client. */
  mail?: boolean
  /** Messages generated per user on `old` (default 20). */
  messagesPerUser?: number
  /** TTL of the records in the lab's DNS zone (default 300 s). */
  dnsTtl?: number
  /** Debian release of `old` / `new` (bullseye, bookworm, trixie; default the machine's own). */
  oldRelease?: string
  newRelease?: string
  /** How old keeps its mail: `system` (default) or `virtual` (vmail-owned /var/vmail, courier userdb). */
  mailLayout?: string
}

/** The lab's bind9 (mail labs only): where it runs, its zone and the TSIG key for updates. */
export interface LabDns {
  host: string
  server: string
  zone: string
  /** The MX target (its A record points at old until the dns phase moves it). */
  mxTarget: string
  ttl: number
  keyName: string
  algorithm: string
  secret: string
}

export interface HostState {
  name: string
  ip: string
  /** IPv6 (ULA) address; absent in the state of a lab made before IPv6. */
  ip6?: string
  role: HostRole
  netns: string
  /** Bridge-side veth name (inside the bridge netns). */
  veth: string
  /** This host's directory: upper/, work/, root/ (mount point), init.sh, init.log. */
  dir: string
  /** Debian release the host runs (its lower layer's). */
  release?: string
  /** The host's overlay lower layer: `/` (the machine's own release) or a cached debootstrap tree. */
  lower?: string
  /** Root-netns PID of `unshare` (the parent of init). */
  unsharePid?: number
  /** Root-netns PID of the host's PID 1; killing it ends the host. */
  initPid?: number
}

/** Everything the lab made, written before each thing is made, so `down` can undo a crash. */
export interface LabState {
  version: 1
  startedAt: string
  stateDir: string
  inventoryDir: string
  subnet: string
  subnet6?: string
  controllerIp: string
  controllerIp6?: string
  bridgeNetns: string
  controllerVeth: string
  mail: boolean
  /** The mail layout of old (absent in states written before layouts: system). */
  mailLayout?: MailLayout
  hosts: HostState[]
  ssh: { privateKey: string; publicKey: string; knownHosts: string; config: string }
  /** The lab's DNS server, with the mail hosts. */
  dns?: LabDns
  /** Set once bring-up finished. */
  ready: boolean
}

export interface HostStatus {
  name: string
  ip: string
  role: HostRole
  initPid?: number
  alive: boolean
  /** TCP ports listening in the host's netns. */
  ports: number[]
}

export interface LabStatus {
  up: boolean
  /** A state file exists but bring-up never finished or hosts died. */
  degraded: boolean
  stateDir: string
  inventoryDir?: string
  startedAt?: string
  hosts: HostStatus[]
}

export interface ExecResult {
  rc: number | null
  stdout: string
  stderr: string
}
