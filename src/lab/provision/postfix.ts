// postfix in the lab: old/new deliver example.test to ~/Maildir/; client relays it to old's IP
// and retries deferred mail every few seconds, like a real sending MTA but faster.
import { raw, sh } from '../../connection/quote.js'
import { MAIL_DOMAIN, SUBNET, fqdn } from '../config.js'
import { hostSh, hostWrite } from '../exec.js'
import type { HostState } from '../types.js'

function common(h: HostState): string {
  return `# tsplay lab: postfix on ${fqdn(h.name)}
compatibility_level = 3.6
myhostname = ${fqdn(h.name)}
mydomain = ${MAIL_DOMAIN}
inet_interfaces = ${h.ip}, 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8, ${SUBNET}
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_banner = $myhostname ESMTP
alias_maps = hash:/etc/aliases
alias_database = hash:/etc/aliases
# No syslog inside lab hosts.
maillog_file = /var/log/postfix.log
# No DNS in the lab: names come from /etc/hosts, clients are not looked up.
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
biff = no
append_dot_mydomain = no
readme_directory = no
mailbox_size_limit = 0
recipient_delimiter = +
`
}

/** main.cf of old and new: the final destination of example.test. */
export function mailServerMainCf(h: HostState): string {
  return `${common(h)}myorigin = $mydomain
mydestination = $myhostname, $mydomain, localhost.$mydomain, localhost
home_mailbox = Maildir/
`
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
