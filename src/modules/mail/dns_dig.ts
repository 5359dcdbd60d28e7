// Reading DNS on the target with dig (bind9-dnsutils): the answers as the host's resolver, or a
// named server, sees them. Shared by dns_record (report) and nsupdate (current state).
import { sh } from '../../connection/quote.js'
import { TsplayError } from '../../errors.js'
import type { ModuleContext } from '../module.js'
import { read } from '../read.js'

export interface DnsAnswer {
  name: string
  ttl: number
  type: string
  value: string
}

/** `dig +noall +answer` lines → answers (names without the trailing dot, types upper case). */
export function parseDig(out: string): DnsAnswer[] {
  const answers: DnsAnswer[] = []
  for (const line of out.split('\n')) {
    if (line.startsWith(';') || !line.trim()) continue
    const f = line.trim().split(/\s+/)
    if (f.length < 5 || !/^\d+$/.test(f[1]!)) continue
    answers.push({ name: undot(f[0]!), ttl: Number(f[1]), type: f[3]!.toUpperCase(), value: f.slice(4).join(' ') })
  }
  return answers
}

export function undot(name: string): string {
  return name.length > 1 ? name.replace(/\.$/, '') : name
}

export const DNS_NAME = '^[A-Za-z0-9_.-]+$'

/** One query from the target; a failed query (no dig, no server reachable) is an expected error. */
export async function dig(ctx: ModuleContext, name: string, type: string, server?: string, timeout = 2, port = 53): Promise<DnsAnswer[]> {
  const at = server ? [`@${server}`, '-p', String(port)] : []
  const cmd = sh`command -v dig >/dev/null || { echo "dig is not installed (apt install bind9-dnsutils)" >&2; exit 127; }
dig +noall +answer +time=${timeout} +tries=2 ${at} ${name} ${type}`
  const r = await read(ctx, cmd, { timeoutMs: (timeout * 3 + 5) * 1000, okCodes: 'any' })
  if (r.rc !== 0) {
    const why = (r.stderr.trim() || r.stdout.trim() || `exit code ${r.rc}`).split('\n').slice(-2).join('; ')
    throw new TsplayError(`Cannot look up ${name} ${type} on ${ctx.host}${server ? ` at ${server}` : ' through its resolver'}: ${why}`)
  }
  // Only the asked name's records: CNAME chains end in the type asked for.
  return parseDig(r.stdout).filter((a) => a.type === type || a.type === 'CNAME')
}
