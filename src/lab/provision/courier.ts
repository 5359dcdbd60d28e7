// courier POP3 and IMAP on old/new: authdaemon with PAM (so /etc/shadow passwords work), plain
// POP3 on 110 and IMAP on 143; Maildir at ~/Maildir as postfix delivers it.
import { hostSh } from '../exec.js'
import type { HostState } from '../types.js'

export async function provisionCourier(h: HostState): Promise<void> {
  await hostSh(
    h,
    `mkdir -p /run/courier/authdaemon
for s in courier-authdaemon courier-pop courier-imap; do
  /etc/init.d/$s start </dev/null >>/var/log/lab-start.log 2>&1 || { echo "$s failed to start" >&2; tail -20 /var/log/lab-start.log >&2; exit 1; }
done`,
  )
}
