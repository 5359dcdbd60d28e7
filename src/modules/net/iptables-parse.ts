// Parses `iptables -L -v -n -x --line-numbers` into chains and rules with their counters, and
// pulls the parts the migration report needs (ports, comment, DNAT target) out of the extra text.

export interface IptablesRule {
  num: number
  pkts: number
  bytes: number
  target: string
  /** As printed: a name or, with -n on iptables-nft 1.8.9, a number ('6'); a leading '!' negates. */
  prot: string
  /** `prot` as a name: tcp, udp, icmp, all... */
  protocol: string
  opt: string
  in: string
  out: string
  source: string
  destination: string
  /** Everything after the destination: match and target options as iptables prints them. */
  extra: string
  comment?: string
  dport?: string
  sport?: string
  dports?: string[]
  /** DNAT/SNAT `to:` address. */
  to?: string
  ctstate?: string[]
}

export interface IptablesChain {
  /** Built-in chains only. */
  policy?: string
  /** Packets/bytes that met the policy (built-in chains). */
  packets?: number
  bytes?: number
  /** User chains: how many rules jump to it. */
  references?: number
  rules: IptablesRule[]
}

const PROTOCOLS: Record<string, string> = { '0': 'all', '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'ipv6-icmp', '132': 'sctp', '136': 'udplite' }

export function parseListing(text: string): Record<string, IptablesChain> {
  const chains: Record<string, IptablesChain> = {}
  let current: IptablesChain | undefined
  for (const line of text.split('\n')) {
    const head = /^Chain (\S+) \((?:policy (\S+) (\d+) packets, (\d+) bytes|(\d+) references)\)/.exec(line)
    if (head) {
      current = { rules: [] }
      if (head[2] !== undefined) Object.assign(current, { policy: head[2], packets: Number(head[3]), bytes: Number(head[4]) })
      else current.references = Number(head[5])
      chains[head[1]!] = current
      continue
    }
    if (!current) continue
    const rule = parseRule(line)
    if (rule) current.rules.push(rule)
  }
  return chains
}

/** One rule line; undefined for headers and blank lines. */
export function parseRule(line: string): IptablesRule | undefined {
  // num, pkts and bytes are right-aligned numbers; the target follows the single space after
  // bytes and is blank (all spaces) for a rule without -j, so it cannot be found by splitting.
  const m = /^(\d+)\s+(\d+)\s+(\d+) (.*)$/.exec(line)
  if (!m) return undefined
  let rest = m[4]!
  let target = ''
  if (!rest.startsWith(' ')) {
    target = /^\S+/.exec(rest)![0]
    rest = rest.slice(target.length)
  }
  const words = rest.trim().split(/\s+/)
  const prot = words.shift() ?? ''
  // ip6tables may print no opt column; opt is always '--', '-f' or '!f' when it is there.
  const opt = /^(--|-f|!f)$/.test(words[0] ?? '') ? words.shift()! : ''
  const [inIf = '', outIf = '', source = '', destination = ''] = words.splice(0, 4)
  const extraStart = nthFieldEnd(rest, (prot ? 1 : 0) + (opt ? 1 : 0) + 4)
  const extra = rest.slice(extraStart).trim()
  const neg = prot.startsWith('!') ? '!' : ''
  const rule: IptablesRule = {
    num: Number(m[1]),
    pkts: Number(m[2]),
    bytes: Number(m[3]),
    target,
    prot,
    protocol: neg + (PROTOCOLS[prot.replace(/^!/, '')] ?? prot.replace(/^!/, '')),
    opt,
    in: inIf,
    out: outIf,
    source,
    destination,
    extra,
  }
  return Object.assign(rule, parseExtra(extra))
}

/** Offset just after the n-th whitespace-separated field of s. */
function nthFieldEnd(s: string, n: number): number {
  const re = /\S+/g
  let end = 0
  for (let i = 0; i < n; i++) {
    const f = re.exec(s)
    if (!f) return s.length
    end = f.index + f[0].length
  }
  return end
}

// The fields the migration reads, from text like: tcp dpt:25 /* smtp */ to:10.0.0.2:25
export function parseExtra(extra: string): Partial<IptablesRule> {
  const out: Partial<IptablesRule> = {}
  let rest = extra
  // The comment is free text (it may contain "dpt:1"), so take it out before reading options.
  const open = rest.indexOf('/* ')
  const close = rest.lastIndexOf(' */')
  if (open >= 0 && close > open) {
    out.comment = rest.slice(open + 3, close)
    rest = rest.slice(0, open) + rest.slice(close + 3)
  }
  const dpt = /\bdpts?:(\S+)/.exec(rest)
  if (dpt) out.dport = dpt[1]!
  const spt = /\bspts?:(\S+)/.exec(rest)
  if (spt) out.sport = spt[1]!
  const multi = /\bmultiport dports (\S+)/.exec(rest)
  if (multi) out.dports = multi[1]!.split(',')
  const to = /(?:^|\s)to:(\S+)/.exec(rest)
  if (to) out.to = to[1]!
  const ct = /\b(?:ctstate|state) (\S+)/.exec(rest)
  if (ct) out.ctstate = ct[1]!.split(',')
  return out
}
