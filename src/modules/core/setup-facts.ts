// The facts script (one round trip, POSIX sh, read-only) and the pure parser of its output into
// Ansible-named facts. Each output line is `key<TAB>value`; unknown keys are ignored.

export const FACTS_SCRIPT = [
  `p() { printf '%s\\t%s\\n' "$1" "$2"; }`,
  `h=$(hostname 2>/dev/null || uname -n); p hostname "$h"`,
  `p fqdn "$(hostname -f 2>/dev/null || echo "$h")"`,
  `p kernel "$(uname -r)"; p system "$(uname -s)"; p arch "$(uname -m)"`,
  `p user_id "$(id -un)"; p uid "$(id -u)"`,
  `[ -r /etc/os-release ] && sed 's/^/osrel\\t/' /etc/os-release`,
  `if [ -d /run/systemd/system ]; then p svc systemd; elif [ -d /etc/init.d ]; then p svc sysvinit; else p svc unknown; fi`,
  `ip -4 route show default 2>/dev/null | sed 's/^/route\\t/'`,
  `ip -o -4 addr show 2>/dev/null | sed 's/^/addr\\t/'`,
  `ip -o link show 2>/dev/null | sed 's/^/link\\t/'`,
  `sed -n 's/^\\(MemTotal\\|MemFree\\):[[:space:]]*\\([0-9]*\\).*/mem\\t\\1 \\2/p' /proc/meminfo 2>/dev/null`,
  `sed 's/^/mnt\\t/' /proc/mounts 2>/dev/null`,
  `df -P -k 2>/dev/null | sed '1d; s/^/df\\t/'`,
  'exit 0',
].join('\n')

type Facts = Record<string, unknown>

interface Iface {
  device: string
  active: boolean
  ipv4?: { address: string; prefix: string; netmask: string }
  ipv4_secondaries?: Array<{ address: string; prefix: string; netmask: string }>
}

const DISTRIBUTIONS: Record<string, [name: string, family: string]> = {
  debian: ['Debian', 'Debian'],
  ubuntu: ['Ubuntu', 'Debian'],
  raspbian: ['Debian', 'Debian'],
  linuxmint: ['Linux Mint', 'Debian'],
  centos: ['CentOS', 'RedHat'],
  rhel: ['RedHat', 'RedHat'],
  fedora: ['Fedora', 'RedHat'],
  rocky: ['Rocky', 'RedHat'],
  almalinux: ['AlmaLinux', 'RedHat'],
  ol: ['OracleLinux', 'RedHat'],
  amzn: ['Amazon', 'RedHat'],
  alpine: ['Alpine', 'Alpine'],
  arch: ['Archlinux', 'Archlinux'],
  opensuse: ['openSUSE', 'Suse'],
  'opensuse-leap': ['openSUSE Leap', 'Suse'],
  sles: ['SLES', 'Suse'],
  gentoo: ['Gentoo', 'Gentoo'],
}

/** Parse the facts script's output into ansible_* facts. */
export function parseFacts(output: string): Facts {
  const kv = new Map<string, string>()
  const multi: Record<string, string[]> = { osrel: [], route: [], addr: [], link: [], mem: [], mnt: [], df: [] }
  for (const line of output.split('\n')) {
    const tab = line.indexOf('\t')
    if (tab < 0) continue
    const key = line.slice(0, tab)
    const value = line.slice(tab + 1)
    if (key in multi) multi[key]!.push(value)
    else kv.set(key, value)
  }
  const host = kv.get('hostname') ?? ''
  const facts: Facts = {
    ansible_hostname: host.split('.')[0],
    ansible_nodename: host,
    ansible_fqdn: kv.get('fqdn') || host,
    ansible_kernel: kv.get('kernel'),
    ansible_system: kv.get('system'),
    ansible_architecture: kv.get('arch'),
    ansible_user_id: kv.get('user_id'),
    ansible_user_uid: kv.has('uid') ? Number(kv.get('uid')) : undefined,
    ansible_service_mgr: kv.get('svc'),
    ...osFacts(multi.osrel!),
    ...memFacts(multi.mem!),
    ...netFacts(multi.route!, multi.addr!, multi.link!),
    ansible_mounts: mounts(multi.mnt!, multi.df!),
  }
  for (const k of Object.keys(facts)) if (facts[k] === undefined) delete facts[k]
  return facts
}

function osFacts(lines: string[]): Facts {
  const os: Record<string, string> = {}
  for (const l of lines) {
    const m = /^([A-Z_]+)=(.*)$/.exec(l)
    if (m) os[m[1]!] = m[2]!.replace(/^(["'])(.*)\1$/, '$2')
  }
  const id = (os.ID ?? '').toLowerCase()
  const like = (os.ID_LIKE ?? '').toLowerCase().split(/\s+/)
  const known = DISTRIBUTIONS[id] ?? DISTRIBUTIONS[id.split('-')[0]!]
  const family = known?.[1] ?? like.map((l) => DISTRIBUTIONS[l]?.[1]).find(Boolean) ?? (os.NAME || 'Unknown')
  const version = os.VERSION_ID ?? ''
  return {
    ansible_distribution: known?.[0] ?? (os.NAME || 'Unknown'),
    ansible_distribution_version: version,
    ansible_distribution_major_version: version.split('.')[0] ?? '',
    ansible_distribution_release: os.VERSION_CODENAME ?? '',
    ansible_os_family: family,
  }
}

function memFacts(lines: string[]): Facts {
  const kb: Record<string, number> = {}
  for (const l of lines) {
    const [k, v] = l.split(' ')
    if (k && v) kb[k] = Number(v)
  }
  return {
    ansible_memtotal_mb: kb.MemTotal === undefined ? undefined : Math.floor(kb.MemTotal / 1024),
    ansible_memfree_mb: kb.MemFree === undefined ? undefined : Math.floor(kb.MemFree / 1024),
  }
}

function netmask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.')
}

function netFacts(routes: string[], addrs: string[], links: string[]): Facts {
  const ifaces = new Map<string, Iface>()
  for (const l of links) {
    // "2: eth0@if12: <BROADCAST,UP,LOWER_UP> ..."
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>/.exec(l)
    if (m) ifaces.set(m[1]!, { device: m[1]!, active: m[2]!.split(',').includes('UP') })
  }
  const all: Array<{ device: string; address: string; prefix: string }> = []
  for (const l of addrs) {
    const m = /^\d+:\s+([^@\s]+)\S*\s+inet\s+([\d.]+)\/(\d+)/.exec(l)
    if (!m) continue
    const device = m[1]!
    const a = { address: m[2]!, prefix: m[3]!, netmask: netmask(Number(m[3])) }
    all.push({ device, ...a })
    const iface = ifaces.get(device) ?? { device, active: true }
    if (iface.ipv4) (iface.ipv4_secondaries ??= []).push(a)
    else iface.ipv4 = a
    ifaces.set(device, iface)
  }
  const facts: Facts = {
    ansible_interfaces: [...ifaces.keys()].sort(),
    ansible_all_ipv4_addresses: all.filter((a) => !a.address.startsWith('127.')).map((a) => a.address),
  }
  for (const [name, iface] of ifaces) facts[`ansible_${name.replace(/[-.:]/g, '_')}`] = iface
  const route = /^default\s+(?:via\s+([\d.]+)\s+)?dev\s+(\S+)/.exec(routes[0] ?? '')
  // Without a default route (a bare netns), the first non-loopback address stands in.
  const pick = route ? all.find((a) => a.device === route[2]) : all.find((a) => !a.address.startsWith('127.'))
  facts.ansible_default_ipv4 = pick
    ? { address: pick.address, interface: pick.device, prefix: pick.prefix, netmask: netmask(Number(pick.prefix)), ...(route?.[1] ? { gateway: route[1] } : {}) }
    : {}
  return facts
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
}

function mounts(mnt: string[], df: string[]): Facts[] {
  const byMount = new Map<string, { fstype: string; options: string }>()
  for (const l of mnt) {
    const [, mount, fstype, options] = l.split(' ')
    if (mount && fstype) byMount.set(unescapeMount(mount), { fstype, options: options ?? '' })
  }
  const out: Facts[] = []
  for (const l of df) {
    const m = /^(.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+%\s+(\/.*)$/.exec(l)
    if (!m) continue
    const info = byMount.get(m[5]!)
    out.push({
      device: m[1],
      mount: m[5],
      fstype: info?.fstype ?? 'unknown',
      options: info?.options ?? '',
      size_total: Number(m[2]) * 1024,
      size_available: Number(m[4]) * 1024,
    })
  }
  return out
}
