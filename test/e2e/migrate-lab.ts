// What the migration's e2e tests of the cutover share: running playbooks/migrate.yml through the
// CLI while acting on it (kill, cut a route), shell on lab hosts that never throws (the tests
// assert on the output), "old serves again", and the client's stream to the lab's three users.
// Polling, the run's shape and the stream itself come from mail-stream.ts.
import assert from 'node:assert/strict'
import { labExec, pop3Uidl, MAIL_DOMAIN, MAIL_USERS } from '../../src/lab/index.js'
import type { LabState } from '../../src/lab/index.js'
import { migrate, sleep, startStream as startMailStream, streamResult, waitUntil, type Run, type Stream } from './mail-stream.js'

export { migrate, sleep, waitUntil, type Run, type Stream }

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

/** Each lab user's ~/Maildir on new, as streamResult's boxes. */
export const homeMaildirs = (): Record<string, string> => Object.fromEntries(MAIL_USERS.map((u) => [u.name, `/home/${u.name}/Maildir`]))

/** Start client's stream to the lab's users (mail-stream.ts); resolves once a few mails went out. */
export const startStream = (): Promise<Stream> => startMailStream(MAIL_USERS.map((u) => `${u.name}@${MAIL_DOMAIN}`))

/** Stop the stream, let client's queue empty, and check every streamed mail is on new exactly once, in the right Maildir. */
export async function assertStreamArrivedOnce(stream: Stream): Promise<number> {
  const res = await streamResult(stream, homeMaildirs())
  assert.deepEqual(res.missing, [])
  assert.deepEqual(res.twice, [])
  assert.deepEqual(res.wrongBox, [])
  return res.sent.length
}
