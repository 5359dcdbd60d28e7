// sshd in a lab host: its own host key, listening on the host's address only, root by key.
import { sh } from '../../connection/quote.js'
import { hostSh, hostWrite } from '../exec.js'
import type { HostState } from '../types.js'

export function sshdConfig(h: HostState): string {
  return `# tsplay lab: sshd on ${h.name}
ListenAddress ${h.ip}
Port 22
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM yes
UseDNS no
X11Forwarding no
PrintMotd no
# Benchmarks open many sessions at once.
MaxStartups 200:30:400
MaxSessions 100
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
`
}

/** Start sshd; resolves with the host's public key line ("ssh-ed25519 AAAA... root@old"). */
export async function provisionSshd(h: HostState): Promise<string> {
  await hostWrite(h, '/etc/ssh/sshd_config', sshdConfig(h))
  // The lower layer's host keys are the machine's own: remove them so each host has its own.
  const r = await hostSh(
    h,
    sh`rm -f /etc/ssh/ssh_host_*
ssh-keygen -q -t ed25519 -N '' -C ${`root@${h.name}`} -f /etc/ssh/ssh_host_ed25519_key
mkdir -p /run/sshd && chmod 755 /run/sshd
/usr/sbin/sshd -t
/usr/sbin/sshd -E /var/log/sshd.log </dev/null >/dev/null 2>&1
cat /etc/ssh/ssh_host_ed25519_key.pub`,
  )
  return r.stdout.trim()
}
