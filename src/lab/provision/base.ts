// What every lab host gets first: its names, no DNS, a root home, and the controller's key.
import { MAIL_DOMAIN, fqdn } from '../config.js'
import { hostSh, hostWrite } from '../exec.js'
import type { HostState } from '../types.js'
import { sh } from '../../connection/quote.js'

/** /etc/hosts lists every lab host, so names resolve without DNS (only mail labs run one, on client). */
export function etcHosts(hosts: readonly HostState[], controllerIp: string): string {
  const lines = ['127.0.0.1\tlocalhost', `${controllerIp}\tcontroller.${MAIL_DOMAIN} controller`]
  for (const h of hosts) lines.push(`${h.ip}\t${fqdn(h.name)} ${h.name}`)
  return `# tsplay lab hosts\n${lines.join('\n')}\n`
}

export async function provisionBase(h: HostState, hosts: readonly HostState[], controllerIp: string, pubKey: string): Promise<void> {
  await hostWrite(h, '/etc/hosts', etcHosts(hosts, controllerIp))
  await hostWrite(h, '/etc/hostname', `${h.name}\n`)
  await hostWrite(h, '/etc/mailname', `${fqdn(h.name)}\n`)
  // The machine's resolver is outside the lab: a lookup must fail at once, never leave the lab.
  await hostWrite(h, '/etc/resolv.conf', '# tsplay lab: no DNS; names come from /etc/hosts\noptions timeout:1 attempts:1\n')
  await hostWrite(h, '/root/.ssh/authorized_keys', pubKey.trim() + '\n', 0o600)
  await hostSh(
    h,
    sh`chmod 700 /root /root/.ssh
cp /usr/share/base-files/dot.bashrc /root/.bashrc 2>/dev/null || true
cp /usr/share/base-files/dot.profile /root/.profile 2>/dev/null || true
mkdir -p /var/log`,
  )
}
