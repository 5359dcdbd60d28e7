// The virtual-mailbox layout on old (`--mail-layout virtual`): all mail owned by one `vmail`
// account, Maildirs at /var/vmail/<domain>/<user>/, postfix virtual_mailbox_* with a static
// uid/gid, courier authenticating full addresses from its userdb (makeuserdb).
import { sh } from '../../connection/quote.js'
import { MAIL_DOMAIN, type MailUser, VMAIL, fqdn } from '../config.js'
import { hostPath, hostSh, hostWrite } from '../exec.js'
import { generateMaildir } from '../mailgen.js'
import type { HostState } from '../types.js'

export function virtualMailbox(u: MailUser): { login: string; dir: string } {
  return { login: `${u.name}@${MAIL_DOMAIN}`, dir: `${VMAIL.base}/${MAIL_DOMAIN}/${u.name}` }
}

/** main.cf lines of a virtual-mailbox server; the domain is not in mydestination then. */
export function virtualMainCf(): string {
  return `mydestination = $myhostname, localhost.$mydomain, localhost
virtual_mailbox_domains = ${MAIL_DOMAIN}
virtual_mailbox_maps = hash:/etc/postfix/vmailbox
virtual_alias_maps = hash:/etc/postfix/virtual
virtual_mailbox_base = ${VMAIL.base}
virtual_uid_maps = static:${VMAIL.uid}
virtual_gid_maps = static:${VMAIL.gid}
virtual_minimum_uid = ${VMAIL.uid}
`
}

export function vmailboxMap(users: readonly MailUser[]): string {
  // A trailing slash makes postfix's virtual(8) deliver to a Maildir.
  const lines = users.map((u) => `${virtualMailbox(u).login}\t${MAIL_DOMAIN}/${u.name}/`)
  return `# tsplay lab: virtual mailboxes (relative to virtual_mailbox_base)\n${lines.join('\n')}\n`
}

/** The vmail account, the map and courier's userdb; run before postfix and courier start. */
export async function provisionVirtualLayout(h: HostState, users: readonly MailUser[]): Promise<void> {
  await hostWrite(h, '/etc/postfix/vmailbox', vmailboxMap(users))
  // RFC 5321: every domain has a postmaster; here it is the first user's mailbox.
  await hostWrite(h, '/etc/postfix/virtual', `# tsplay lab: virtual aliases\npostmaster@${MAIL_DOMAIN}\t${virtualMailbox(users[0]!).login}\n`)
  await hostSh(
    h,
    sh`getent group ${VMAIL.user} >/dev/null || groupadd -g ${VMAIL.gid} ${VMAIL.user}
id -u ${VMAIL.user} >/dev/null 2>&1 || useradd -u ${VMAIL.uid} -g ${VMAIL.gid} -d ${VMAIL.base} -M -s /usr/sbin/nologin -c 'Virtual mail' ${VMAIL.user}
install -d -o ${VMAIL.uid} -g ${VMAIL.gid} -m 770 ${VMAIL.base} ${`${VMAIL.base}/${MAIL_DOMAIN}`}
postmap /etc/postfix/vmailbox
postmap /etc/postfix/virtual
sed -i -E 's/^authmodulelist=.*/authmodulelist="authuserdb"/' /etc/courier/authdaemonrc`,
  )
  // userdb lines: address, then uid/gid/home/mail and the SHA-512 crypt of the password (made on
  // the host from stdin, so no password reaches a command line).
  await hostSh(
    h,
    `umask 077
: > /etc/courier/userdb
TAB=$(printf '\\t')
while IFS="$TAB" read -r login dir pw; do
  printf '%s\\tuid=${VMAIL.uid}|gid=${VMAIL.gid}|home=%s|mail=%s|systempw=%s\\n' "$login" "$dir" "$dir" "$(printf '%s\\n' "$pw" | openssl passwd -6 -stdin)" >> /etc/courier/userdb
done
makeuserdb`,
    { stdin: users.map((u) => `${virtualMailbox(u).login}\t${virtualMailbox(u).dir}\t${u.password}\n`).join('') },
  )
}

/** Each user's generated mail in /var/vmail/<domain>/<user>/, owned by vmail. */
export async function seedVirtualMailboxes(h: HostState, users: readonly MailUser[], messages: number): Promise<void> {
  for (const u of users) {
    await generateMaildir(hostPath(h, virtualMailbox(u).dir), {
      messages, hostname: fqdn(h.name), user: u.name, uid: VMAIL.uid, gid: VMAIL.gid,
    })
  }
}
