// What each kind of host runs, in order: every host gets base + sshd; old/new add postfix and
// courier (old also gets the users and their mail); client gets a relaying postfix and the lab's
// bind9; with the mail hosts, every host resolves through that bind9.
import { MAIL_USERS, type MailLayout, fqdn } from '../config.js'
import { hostPath, hostSh, hostWrite } from '../exec.js'
import { generateMaildir } from '../mailgen.js'
import type { HostState, LabDns } from '../types.js'
import { provisionBase } from './base.js'
import { provisionCourier } from './courier.js'
import { provisionDns, resolvConf } from './dns.js'
import { clientMainCf, mailServerMainCf, provisionPostfix, transportMap } from './postfix.js'
import { provisionSshd } from './sshd.js'
import { provisionVirtualLayout, seedVirtualMailboxes, virtualMainCf } from './virtual.js'
import { createMailUsers } from './users.js'

export interface ProvisionContext {
  hosts: readonly HostState[]
  controllerIp: string
  controllerPubKey: string
  messagesPerUser: number
  /** The lab's bind9 (mail labs): run on its host, named in every host's resolv.conf. */
  dns?: LabDns
  mailLayout: MailLayout
}

/** Provision one host; resolves with its sshd public host key. */
export async function provisionHost(h: HostState, ctx: ProvisionContext): Promise<string> {
  await provisionBase(h, ctx.hosts, ctx.controllerIp, ctx.controllerPubKey)
  if (ctx.dns) await hostWrite(h, '/etc/resolv.conf', resolvConf(ctx.dns))
  const key = await provisionSshd(h)
  if (h.role === 'mail' && h.name === 'old' && ctx.mailLayout === 'virtual') {
    // vmail, the map and the userdb exist before postfix and courier start.
    await provisionVirtualLayout(h, MAIL_USERS)
    await Promise.all([
      seedVirtualMailboxes(h, MAIL_USERS, ctx.messagesPerUser),
      provisionPostfix(h, mailServerMainCf(h, virtualMainCf())).then(() => provisionCourier(h)),
    ])
  } else if (h.role === 'mail') {
    // Daemons start while old's users and mail are written: nothing is delivered during bring-up.
    await Promise.all([
      h.name === 'old' ? seedOldMailboxes(h, ctx.messagesPerUser) : Promise.resolve(),
      provisionPostfix(h, mailServerMainCf(h)).then(() => provisionCourier(h)),
    ])
  } else if (h.role === 'client') {
    const old = ctx.hosts.find((x) => x.name === 'old')
    await provisionPostfix(h, clientMainCf(h), transportMap(old?.ip ?? '127.0.0.1'))
  }
  if (ctx.dns && h.name === ctx.dns.host) await provisionDns(h, ctx.dns, ctx.hosts)
  return key
}

/** Users and their generated mail exist on old only: the migration must carry them to new. */
async function seedOldMailboxes(h: HostState, messages: number): Promise<void> {
  await createMailUsers(h, MAIL_USERS)
  for (const u of MAIL_USERS) {
    // Written through /proc/PID/root straight into the host's overlay, owned by the user.
    await generateMaildir(hostPath(h, `/home/${u.name}/Maildir`), {
      messages,
      hostname: fqdn(h.name),
      user: u.name,
      uid: u.uid,
      gid: u.uid,
    })
  }
  await hostSh(h, 'true') // the host still answers after the writes
}
