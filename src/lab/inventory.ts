// The lab's Ansible-style YAML inventory (inventory/lab/hosts.yml + group_vars/all.yml), read by
// the playbooks and e2e tests. Every string is written JSON-quoted, which is valid YAML.
import { mkdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { CONTROLLER_IP, MAIL_DOMAIN, MAIL_USERS, SUBNET, SUBNET6, VMAIL, fqdn } from './config.js'
import { virtualMailbox } from './provision/virtual.js'
import type { LabState } from './types.js'

const q = (s: string | number): string => (typeof s === 'number' ? String(s) : JSON.stringify(s))

export function inventoryFiles(dir: string): { hosts: string; groupVars: string } {
  return { hosts: join(dir, 'hosts.yml'), groupVars: join(dir, 'group_vars', 'all.yml') }
}

export function hostsYaml(state: LabState): string {
  const lines = ['# Written by `tsplay lab up`; rewritten on every bring-up, removed by `tsplay lab down`.', 'all:', '  hosts:']
  for (const h of state.hosts) {
    lines.push(`    ${h.name}:`)
    lines.push(`      tsplay_host: ${q(h.ip)}`)
    lines.push(`      tsplay_user: root`)
    lines.push(`      tsplay_private_key_file: ${q(state.ssh.privateKey)}`)
    lines.push(`      tsplay_known_hosts: ${q(state.ssh.knownHosts)}`)
  }
  const groups: Record<string, string[]> = {
    mail: state.hosts.filter((h) => h.role === 'mail').map((h) => h.name),
    client: state.hosts.filter((h) => h.role === 'client').map((h) => h.name),
    bench: state.hosts.filter((h) => h.role === 'bench').map((h) => h.name),
  }
  const used = Object.entries(groups).filter(([, hs]) => hs.length > 0)
  if (used.length > 0) lines.push('  children:')
  for (const [g, hs] of used) {
    lines.push(`    ${g}:`, '      hosts:')
    for (const h of hs) lines.push(`        ${h}: {}`)
  }
  return lines.join('\n') + '\n'
}

export function groupVarsYaml(state: LabState): string {
  const ip = (n: string): string => state.hosts.find((h) => h.name === n)?.ip ?? ''
  const ip6 = (n: string): string => state.hosts.find((h) => h.name === n)?.ip6 ?? ''
  const virtual = state.mailLayout === 'virtual'
  const lines = [
    '# Written by `tsplay lab up`: facts about the lab for playbooks (see docs/lab.md).',
    `mail_domain: ${q(MAIL_DOMAIN)}`,
    `lab_subnet: ${q(SUBNET)}`,
    `lab_subnet6: ${q(SUBNET6)}`,
    `lab_controller_ip: ${q(CONTROLLER_IP)}`,
    `lab_ssh_config: ${q(state.ssh.config)}`,
  ]
  if (state.mail) {
    lines.push(
      `mail_old_host: "old"`,
      `mail_new_host: "new"`,
      `mail_old_ip: ${q(ip('old'))}`,
      `mail_new_ip: ${q(ip('new'))}`,
      `mail_client_ip: ${q(ip('client'))}`,
      // Their IPv6 (ULA) addresses: postfix and courier answer on both families.
      `mail_old_ip6: ${q(ip6('old'))}`,
      `mail_new_ip6: ${q(ip6('new'))}`,
      `mail_client_ip6: ${q(ip6('client'))}`,
      `mail_old_fqdn: ${q(fqdn('old'))}`,
      `mail_new_fqdn: ${q(fqdn('new'))}`,
      // Which Debian release each server runs (docs/lab.md: --old-release / --new-release).
      `mail_old_release: ${q(state.hosts.find((h) => h.name === 'old')?.release ?? '')}`,
      `mail_new_release: ${q(state.hosts.find((h) => h.name === 'new')?.release ?? '')}`,
      // The migration's site settings for the lab: the hosts share the machine's own /etc/passwd
      // as their lower layer, so only the lab's mail users (uid 2001-2003) count as mail users.
      `mail_domains: [${q(MAIL_DOMAIN)}]`,
      'mail_users_uid_min: 2000',
      'mail_users_uid_max: 2999',
      `mail_check_user: ${q(virtual ? virtualMailbox(MAIL_USERS[0]!).login : MAIL_USERS[0]!.name)}`,
      `mail_check_password: ${q(MAIL_USERS[0]!.password)}`,
      // How old keeps mail (docs/lab.md: --mail-layout); the migration also detects it from old.
      `mail_layout: ${q(state.mailLayout ?? 'system')}`,
      'mail_users:',
      ...MAIL_USERS.flatMap((u) => [`  - name: ${q(u.name)}`, `    uid: ${u.uid}`, `    password: ${q(u.password)}`,
        ...(virtual ? [`    login: ${q(virtualMailbox(u).login)}`, `    maildir: ${q(virtualMailbox(u).dir)}`] : [])]),
    )
    if (virtual) {
      lines.push(`mail_vmail_user: ${q(VMAIL.user)}`, `mail_vmail_uid: ${VMAIL.uid}`, `mail_vmail_gid: ${VMAIL.gid}`, `mail_vmail_base: ${q(VMAIL.base)}`)
    }
  }
  if (state.dns) {
    // The lab's bind9 and the TSIG key that may update its zone (the dns phase, RFC 2136).
    lines.push(
      `mail_dns_server: ${q(state.dns.server)}`,
      `mail_dns_zone: ${q(state.dns.zone)}`,
      `mail_dns_tsig_name: ${q(state.dns.keyName)}`,
      `mail_dns_tsig_algorithm: ${q(state.dns.algorithm)}`,
      `mail_dns_tsig_secret: ${q(state.dns.secret)}`,
    )
  }
  return lines.join('\n') + '\n'
}

export function writeInventory(state: LabState): void {
  const f = inventoryFiles(state.inventoryDir)
  mkdirSync(join(state.inventoryDir, 'group_vars'), { recursive: true })
  writeFileSync(f.hosts, hostsYaml(state))
  writeFileSync(f.groupVars, groupVarsYaml(state))
}

/** Remove only the two files the lab wrote (the folder may hold the user's own files). */
export function removeInventory(dir: string): void {
  const f = inventoryFiles(dir)
  rmSync(f.hosts, { force: true })
  rmSync(f.groupVars, { force: true })
  for (const d of [join(dir, 'group_vars'), dir]) {
    try {
      rmdirSync(d) // only when empty
    } catch {}
  }
}
