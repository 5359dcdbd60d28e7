// postfix in the lab: old/new deliver example.test to ~/Maildir/; client relays it to old's IP
// and retries deferred mail every few seconds, like a real sending MTA but faster.
import { raw, sh } from '../../connection/quote.js'
import { MAIL_DOMAIN, SUBNET, SUBNET6_PREFIX, fqdn } from '../config.js'
import { hostSh, hostWrite } from '../exec.js'
import type { HostState } from '../types.js'

/** What a server installed on an older Debian release still carries in main.cf, which later
 * postfix versions renamed or changed: the migration must port it (roles/postfix/tasks/compat.yml). */
function releaseSettings(release: string | undefined): string {
  if (release === 'bullseye') {
    return `# As on a Debian 11 server (postfix 3.5): its level, its DNS switch, Debian's TLS cache line.
compatibility_level = 2
disable_dns_lookups = yes
smtpd_use_tls = no
smtp_tls_session_cache_database = btree:\${data_directory}/smtp_scache
`
  }
  return `compatibility_level = 3.6
smtp_dns_support_level = disabled
`
}

function common(h: HostState): string {
  return `# tsplay lab: postfix on ${fqdn(h.name)}
${releaseSettings(h.release)}myhostname = ${fqdn(h.name)}
mydomain = ${MAIL_DOMAIN}
inet_interfaces = ${h.ip}, [${h.ip6}], 127.0.0.1
inet_protocols = all
mynetworks = 127.0.0.0/8, ${SUBNET}, [::1]/128, [${SUBNET6_PREFIX}]/64
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_banner = $myhostname ESMTP
alias_maps = hash:/etc/aliases
alias_database = hash:/etc/aliases
# No syslog inside lab hosts.
maillog_file = /var/log/postfix.log
# No DNS in the lab: names come from /etc/hosts, clients are not looked up.
smtp_host_lookup = native
smtpd_peername_lookup = no
biff = no
append_dot_mydomain = no
readme_directory = no
mailbox_size_limit = 0
recipient_delimiter = +
`
}

/** main.cf of old and new: the final destination of example.test (as local users' ~/Maildir,
 * or, with `virtual` appended, as virtual mailboxes: then the domain is not in mydestination). */
export function mailServerMainCf(h: HostState, virtual = ''): string {
  return `${common(h)}myorigin = $mydomain
${virtual ? '' : 'mydestination = $myhostname, $mydomain, localhost.$mydomain, localhost\n'}home_mailbox = Maildir/
${virtual}`
}

/** main.cf of client: relays example.test to old's address, retries every 5 s. */
export function clientMainCf(h: HostState): string {
  return `${common(h)}myorigin = $myhostname
mydestination = $myhostname, localhost
transport_maps = hash:/etc/postfix/transport
default_transport = error:the lab client relays only ${MAIL_DOMAIN}
queue_run_delay = 5s
minimal_backoff_time = 5s
maximal_backoff_time = 10s
smtp_connect_timeout = 5s
`
}

export function transportMap(relayIp: string): string {
  return `# tsplay lab: where client sends ${MAIL_DOMAIN}\n${MAIL_DOMAIN}\tsmtp:[${relayIp}]:25\n`
}

export async function provisionPostfix(h: HostState, mainCf: string, transport?: string): Promise<void> {
  await hostWrite(h, '/etc/postfix/main.cf', mainCf)
  if (transport) await hostWrite(h, '/etc/postfix/transport', transport)
  await hostSh(
    h,
    sh`touch /var/log/postfix.log
${raw(transport ? 'postmap /etc/postfix/transport' : 'true')}
newaliases
/etc/init.d/postfix start </dev/null >>/var/log/lab-start.log 2>&1 || { tail -20 /var/log/lab-start.log /var/log/postfix.log >&2; exit 1; }`,
  )
}
