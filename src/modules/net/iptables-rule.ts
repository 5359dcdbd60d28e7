// Pure helpers for the iptables module: a rule's argv from the task args, and matching a rule
// against `iptables -S` lines (for the diff), since iptables prints rules in its own canonical form.

export interface RuleArgs {
  protocol?: string
  source?: string
  destination?: string
  in_interface?: string
  out_interface?: string
  source_port?: string | number
  destination_port?: string | number
  destination_ports?: Array<string | number>
  ctstate?: string[]
  comment?: string
  jump?: string
  to_destination?: string
  to_source?: string
  to_ports?: string | number
}

/** `!10.0.0.0/8` (or `! 10.0.0.0/8`) becomes `! -s 10.0.0.0/8`, as Ansible's append_param does. */
function param(flag: string, value: string | number | undefined): string[] {
  if (value === undefined) return []
  const s = String(value)
  const m = /^!\s*(.*)$/s.exec(s)
  return m ? ['!', flag, m[1]!] : [flag, s]
}

/** The rule's words after `-A CHAIN`: matches first, then the target and its options. */
export function ruleSpec(a: RuleArgs): string[] {
  const w: string[] = []
  w.push(...param('-p', a.protocol), ...param('-s', a.source), ...param('-d', a.destination))
  w.push(...param('-i', a.in_interface), ...param('-o', a.out_interface))
  w.push(...param('--sport', a.source_port), ...param('--dport', a.destination_port))
  if (a.destination_ports?.length) w.push('-m', 'multiport', '--dports', a.destination_ports.join(','))
  if (a.ctstate?.length) w.push('-m', 'conntrack', '--ctstate', a.ctstate.join(','))
  if (a.comment !== undefined) w.push('-m', 'comment', '--comment', a.comment)
  w.push(...param('-j', a.jump), ...param('--to-destination', a.to_destination), ...param('--to-source', a.to_source))
  w.push(...param('--to-ports', a.to_ports))
  return w
}

const ALIASES: Record<string, string> = {
  '--protocol': '-p',
  '--source': '-s',
  '--src': '-s',
  '--destination': '-d',
  '--dst': '-d',
  '--in-interface': '-i',
  '--out-interface': '-o',
  '--jump': '-j',
  '--destination-port': '--dport',
  '--source-port': '--sport',
}

/** Modules iptables loads by itself (`-p tcp` → `-m tcp`) or that only carry the options. */
const IMPLICIT_MATCHES = new Set(['tcp', 'udp', 'icmp', 'sctp', 'udplite', 'multiport', 'conntrack', 'comment'])

/** A rule as a sorted list of `[!]option=value` pairs, so word order and aliases do not matter. */
export function normalizeRule(words: string[]): string[] {
  const pairs: string[] = []
  let i = 0
  while (i < words.length) {
    let neg = ''
    if (words[i] === '!') {
      neg = '!'
      i++
    }
    const opt = ALIASES[words[i] ?? ''] ?? words[i] ?? ''
    i++
    const vals: string[] = []
    while (i < words.length && words[i] !== '!' && !/^-/.test(words[i]!)) vals.push(words[i++]!)
    let val = vals.join(' ')
    if (opt === '-m' && IMPLICIT_MATCHES.has(val)) continue
    if (opt === '-s' || opt === '-d') val = val.replace(/\/32$/, '')
    // iptables prints REJECT's default out loud; a rule without reject_with means the same.
    if (opt === '--reject-with' && val === 'icmp-port-unreachable') continue
    pairs.push(`${neg}${opt}=${val}`)
  }
  return pairs.sort()
}

/** Index of the first `-A CHAIN ...` line of an `iptables -S` listing that is this rule, or -1. */
export function findRule(listing: string[], chain: string, spec: string[]): number {
  const want = normalizeRule(spec).join('\n')
  return listing.findIndex((line) => {
    const words = splitSaved(line)
    return words[0] === '-A' && words[1] === chain && normalizeRule(words.slice(2)).join('\n') === want
  })
}

/** Words of an `iptables -S` line: iptables double-quotes a value with spaces and puts a
 * backslash before any `"`, `'` or `\` inside (xtables save_string), unlike a POSIX shell. */
export function splitSaved(line: string): string[] {
  const words: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!)
  return words
}

/** How `iptables -S` would print our rule (close enough for a diff): words quoted when needed. */
export function ruleLine(chain: string, spec: string[]): string {
  return ['-A', chain, ...spec].map((w) => (/^[A-Za-z0-9_@%+=:,./!-]+$/.test(w) ? w : JSON.stringify(w))).join(' ')
}
