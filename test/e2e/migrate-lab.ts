// What the migration's e2e tests of the cutover share: running playbooks/migrate.yml through the
// CLI while acting on it (kill, cut a route), shell on lab hosts that never throws (the tests
// assert on the output), "old serves again", and the client's stream to the lab's three users.
// Polling and the run's shape come from mail-stream.ts.
import assert from 'node:assert/strict'
import { labExec, pop3Uidl, MAIL_USERS } from '../../src/lab/index.js'
import type { LabState } from '../../src/lab/index.js'
import { migrate, sleep, waitUntil, type Run } from './mail-stream.js'

export { migrate, sleep, waitUntil, type Run }

/** stdout of a bash script on a lab host, whatever its exit code. */
export async function sh(host: string, script: string): Promise<string> {
  const r = await labExec(host, ['bash', '-c', script])
  return r.stdout
}

export const hostIp = (lab: LabState, h: string): string => lab.hosts.find((x) => x.name === h)!.ip

/** Old serves again after a rollback: postfix and POP3 answer, no forward, no SMTP refusal. */
export async function assertOldServes(lab: LabState, ms = 10_000): Promise<void> {
  const rules = await sh('old', 'iptables -t nat -S; iptables -S')
  assert.doesNotMatch(rules, /tsplay-forward|tsplay-cutover-block/)
  const banner = await sh('client', `exec 3<>/dev/tcp/${hostIp(lab, 'old')}/25; head -1 <&3`)
  assert.match(banner, /^220 old\.example\.test/)
  // courier was just started again: give authdaemon a moment before the first login.
  let count = 0
  await waitUntil(async () => {
    count = await pop3Uidl(hostIp(lab, 'old'), MAIL_USERS[0]!.name, MAIL_USERS[0]!.password).then((p) => p.count, () => 0)
    return count >= 20
  }, ms, `POP3 on old (last STAT count ${count})`)
}

// The stream: client's swaks hands each mail to client's own postfix, which relays to old's
// address and retries deferred mail every 5 s, as a sending MTA on the Internet would.
const STREAM = `i=0; rm -f /tmp/stream.stop /tmp/stream.sent
until [ -e /tmp/stream.stop ]; do
  i=$((i+1)); u=$(( i % 3 ))
  case $u in 0) to=alice;; 1) to=bob;; 2) to=carol;; esac
  swaks --server 127.0.0.1 --from sender@client.example.test --to "$to@example.test" \\
    --header "Message-Id: <stream-$i-$to@e2e.test>" --header "Subject: stream $i" --body "mail $i" \\
    --silent 2 >/dev/null 2>&1 && echo "stream-$i-$to" >> /tmp/stream.sent
  sleep 0.05
done`

export interface Stream {
  /** Settles when the stream's shell ends. */
  done: Promise<unknown>
}

/** Start client's stream; resolves once a few mails went out. */
export async function startStream(): Promise<Stream> {
  const done = labExec('client', ['bash', '-c', STREAM])
  await waitUntil(async () => Number(await sh('client', 'wc -l < /tmp/stream.sent 2>/dev/null || echo 0')) >= 5, 30_000, 'the stream to start')
  return { done }
}

/** Stop the stream, let client's queue empty, and check every streamed mail is on new exactly once, in the right Maildir. */
export async function assertStreamArrivedOnce(stream: Stream): Promise<number> {
  await sh('client', 'touch /tmp/stream.stop')
  await stream.done
  await sh('client', 'postqueue -f')
  await waitUntil(async () => /Mail queue is empty/.test(await sh('client', 'postqueue -p')), 90_000, "client's queue to empty")
  const sent = (await sh('client', 'cat /tmp/stream.sent')).split('\n').filter(Boolean)
  const found = new Map<string, string[]>()
  for (const u of MAIL_USERS) {
    const ids = await sh('new', `grep -rhoi '^Message-Id: <stream-[^>]*>' /home/${u.name}/Maildir | sed -E 's/^[^<]*<([^@]*)@.*/\\1/'`)
    for (const id of ids.split('\n').filter(Boolean)) found.set(id, [...(found.get(id) ?? []), u.name])
  }
  const missing = sent.filter((id) => !found.has(id))
  const twice = [...found].filter(([, us]) => us.length > 1).map(([id]) => id)
  const wrongBox = [...found].filter(([id, us]) => !id.endsWith(`-${us[0]}`)).map(([id]) => id)
  console.log(`# stream: ${sent.length} sent, ${found.size} arrived on new, ${missing.length} missing, ${twice.length} duplicated`)
  assert.deepEqual(missing, [])
  assert.deepEqual(twice, [])
  assert.deepEqual(wrongBox, [])
  return sent.length
}
