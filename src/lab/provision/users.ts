// The mail users (alice, bob, carol) with fixed uids and passwords; made on `old` only.
import { sh } from '../../connection/quote.js'
import type { MailUser } from '../config.js'
import { hostSh } from '../exec.js'
import type { HostState } from '../types.js'

export async function createMailUsers(h: HostState, users: readonly MailUser[]): Promise<void> {
  const script = users
    .map((u) => sh`getent group ${u.name} >/dev/null || groupadd -g ${u.uid} ${u.name}
id -u ${u.name} >/dev/null 2>&1 || useradd -m -u ${u.uid} -g ${u.uid} -s /bin/bash -c ${`Lab user ${u.name}`} ${u.name}`)
    .join('\n')
  await hostSh(h, script)
  // chpasswd reads name:password lines on stdin, so passwords never appear on a command line.
  await hostSh(h, 'chpasswd', { stdin: users.filter((u) => !u.hash).map((u) => `${u.name}:${u.password}\n`).join('') })
  const sha = users.filter((u) => u.hash === 'sha512')
  if (sha.length > 0) {
    await hostSh(h, `while IFS=: read -r n p; do printf '%s:%s\\n' "$n" "$(printf '%s\\n' "$p" | openssl passwd -6 -stdin)"; done | chpasswd -e`, {
      stdin: sha.map((u) => `${u.name}:${u.password}\n`).join(''),
    })
  }
}
