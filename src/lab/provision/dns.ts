// The lab's DNS: a real bind9 on `client`, authoritative for example.test (MX → mail.example.test
// → old's address), dynamic updates (RFC 2136) only with the lab's TSIG key. Every lab host's
// /etc/resolv.conf names it, so `dig` inside a host sees what a site's resolver would.
import { randomBytes } from 'node:crypto'
import { sh } from '../../connection/quote.js'
import { OptionsError } from '../../errors.js'
import { MAIL_DOMAIN } from '../config.js'
import { hostSh, hostWrite } from '../exec.js'
import type { HostState, LabDns } from '../types.js'

/** The host that runs bind9: client (the sending side, and no mail server that the migration stops). */
export const DNS_HOST = 'client'
/** The MX target whose A record the dns phase moves from old to new. */
export const MX_TARGET = `mail.${MAIL_DOMAIN}`
export const DEFAULT_DNS_TTL = 300

/** The DNS settings of a mail lab, with a fresh TSIG secret (recorded in the state, written to group_vars). */
export function labDns(hosts: readonly HostState[], ttl = DEFAULT_DNS_TTL): LabDns | undefined {
  const ns = hosts.find((h) => h.name === DNS_HOST)
  if (!ns) return undefined
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 2147483647) throw new OptionsError(`dnsTtl must be a whole number of seconds from 1 to 2147483647, not ${ttl}`)
  return {
    host: ns.name, server: ns.ip, zone: MAIL_DOMAIN, mxTarget: MX_TARGET, ttl,
    keyName: 'tsplay-lab-key', algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64'),
  }
}

export function zoneFile(dns: LabDns, hosts: readonly HostState[]): string {
  const ip = (n: string): string => hosts.find((h) => h.name === n)?.ip ?? '127.0.0.1'
  const lines = [
    `; tsplay lab: ${dns.zone}, served by bind9 on ${dns.host}; changed only by RFC 2136 updates signed with ${dns.keyName}`,
    `$TTL ${dns.ttl}`,
    `@\tIN\tSOA\tns.${dns.zone}. hostmaster.${dns.zone}. ( 1 3600 600 86400 60 )`,
    `@\tIN\tNS\tns.${dns.zone}.`,
    `@\tIN\tMX\t10 ${dns.mxTarget}.`,
    `ns\tIN\tA\t${dns.server}`,
    `${dns.mxTarget.slice(0, -(dns.zone.length + 1))}\tIN\tA\t${ip('old')}`,
    ...hosts.map((h) => `${h.name}\tIN\tA\t${h.ip}`),
  ]
  return lines.join('\n') + '\n'
}

export function namedConf(dns: LabDns): string {
  return `// tsplay lab: bind9 on ${dns.host}, authoritative only (no recursion: nothing leaves the lab).
key "${dns.keyName}" {
  algorithm ${dns.algorithm};
  secret "${dns.secret}";
};
options {
  directory "/var/cache/bind";
  pid-file "/run/named/named.pid";
  listen-on { ${dns.server}; 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
  allow-transfer { none; };
};
// No rndc channel: the lab stops named by killing the host.
controls { };
logging {
  channel lab { file "/var/log/named.log"; severity info; print-time yes; };
  category default { lab; };
  category update { lab; };
  category update-security { lab; };
};
zone "${dns.zone}" {
  type primary;
  file "/var/lib/bind/db.${dns.zone}";
  // Only updates signed with the TSIG key; anything else is REFUSED.
  update-policy { grant ${dns.keyName} zonesub ANY; };
};
`
}

/** Every lab host resolves through the lab's bind9 (never the machine's resolver). */
export function resolvConf(dns: LabDns): string {
  return `# tsplay lab: bind9 on ${dns.host} serves ${dns.zone}; nothing else resolves (no recursion, no route out)
nameserver ${dns.server}
search ${dns.zone}
options timeout:1 attempts:1
`
}

export async function provisionDns(h: HostState, dns: LabDns, hosts: readonly HostState[]): Promise<void> {
  await hostWrite(h, '/etc/bind/named.conf', namedConf(dns), 0o640)
  await hostWrite(h, `/var/lib/bind/db.${dns.zone}`, zoneFile(dns, hosts))
  await hostSh(
    h,
    sh`chgrp bind /etc/bind/named.conf
chown bind:bind /var/lib/bind ${`/var/lib/bind/db.${dns.zone}`}
mkdir -p /run/named && chown bind:bind /run/named
touch /var/log/named.log && chown bind:bind /var/log/named.log
named-checkconf -z /etc/bind/named.conf >/dev/null
/usr/sbin/named -u bind -c /etc/bind/named.conf </dev/null >>/var/log/lab-start.log 2>&1 || { tail -20 /var/log/named.log >&2; exit 1; }
i=0
until dig +short +time=1 +tries=1 @${dns.server} SOA ${dns.zone} | grep -q .; do
  i=$((i+1)); [ $i -lt 50 ] || { echo "named did not answer" >&2; tail -20 /var/log/named.log >&2; exit 1; }
  sleep 0.1
done`,
  )
}
