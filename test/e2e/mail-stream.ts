// Shared by the e2e tests of lab combinations (releases, layouts, address families): run
// playbooks/migrate.yml through the CLI, keep client sending mail all along, and count where every
// streamed mail landed on new.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { labExec } from '../../src/lab/index.js'
import { projectRoot } from '../../src/lab/config.js'

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli.js')
const playbook = join(projectRoot(), 'playbooks', 'migrate.yml')
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface Run {
  code: number | null
  out: string
  ms: number
}

/** Run the migration playbook through the CLI against a lab inventory; `during(kill, out)` may
 * act while it runs (Ctrl-C, SIGKILL, cutting a route). */
export function migrate(inventory: string, args: string[], during?: (kill: (s: NodeJS.Signals) => void, out: () => string) => Promise<void>): Promise<Run> {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, [cli, playbook, '-i', inventory, ...args], {
      env: { ...process.env, CI: 'true', NO_COLOR: '1', TSPLAY_GRACE_SECONDS: '2' },
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    void during?.((s) => child.kill(s), () => out)
    child.on('close', (code) => resolve({ code, out, ms: Date.now() - started }))
  })
}

export async function sh(host: string, script: string): Promise<string> {
  const r = await labExec(host, ['bash', '-c', script])
  if (r.rc !== 0) throw new Error(`[${host}] ${script.split('\n')[0]}: exit ${r.rc}\n${r.stderr}${r.stdout}`)
  return r.stdout
}

/** Poll `check` every 100 ms until it is true or `ms` pass. */
export async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

/** client's swaks hands each mail to client's own postfix, which relays it to the MX (old's
 * address, then new's after the dns phase) and retries deferred mail every 5 s. `to` are full
 * addresses; `server` is where swaks submits (client's own postfix by default). */
export function streamScript(to: readonly string[], server = '127.0.0.1'): string {
  const cases = to.map((a, i) => `${i}) to=${a};;`).join(' ')
  return `i=0; rm -f /tmp/stream.stop /tmp/stream.sent
until [ -e /tmp/stream.stop ]; do
  i=$((i+1)); u=$(( i % ${to.length} ))
  case $u in ${cases} esac
  swaks --server ${server} --from sender@client.example.test --to "$to" \\
    --header "Message-Id: <stream-$i-\${to%@*}@e2e.test>" --header "Subject: stream $i" --body "mail $i" \\
    --silent 2 >/dev/null 2>&1 && echo "stream-$i-\${to%@*}" >> /tmp/stream.sent
  sleep 0.05
done`
}

/** The same stream over IPv6, straight to `server` (old's IPv6 address, forwarded to new after the
 * cutover): swaks here lacks IPv6, so python's smtplib sends. No retry queue: only mails the
 * server accepted count as sent (in /tmp/stream6.sent); refused ones during the outage are not. */
export function streamScript6(to: readonly string[], server: string): string {
  return `rm -f /tmp/stream6.sent
exec python3 - <<'PY'
import os, smtplib, time
to = ${JSON.stringify(to)}
i = 0
while not os.path.exists('/tmp/stream.stop'):
    i += 1
    rcpt = to[i % len(to)]
    mid = 'stream6-%d-%s' % (i, rcpt.split('@')[0])
    msg = 'From: sender@client.example.test\\r\\nTo: %s\\r\\nMessage-Id: <%s@e2e.test>\\r\\nSubject: stream6 %d\\r\\n\\r\\nmail %d\\r\\n' % (rcpt, mid, i, i)
    try:
        s = smtplib.SMTP(${JSON.stringify(server)}, 25, timeout=10)
        s.sendmail('sender@client.example.test', [rcpt], msg)
        s.quit()
        with open('/tmp/stream6.sent', 'a') as f:
            f.write(mid + '\\n')
    except Exception:
        time.sleep(0.2)
    time.sleep(0.05)
PY`
}

/** A running stream (IPv4 through client's postfix, and optionally IPv6 straight to old). */
export interface Stream {
  done: Promise<unknown>
}

/** Start the stream on client; resolves once a few mails went out. Stop it with `streamResult`. */
export async function startStream(to: readonly string[], server?: string, ipv6Server?: string): Promise<Stream> {
  await labExec('client', ['rm', '-f', '/tmp/stream.stop']) // before either sender looks for it
  const runs = [labExec('client', ['bash', '-c', streamScript(to, server)])]
  if (ipv6Server) runs.push(labExec('client', ['bash', '-c', streamScript6(to, ipv6Server)]))
  const count = async (f: string) => Number((await labExec('client', ['sh', '-c', `cat ${f} 2>/dev/null | wc -l`])).stdout)
  await waitUntil(async () => (await count('/tmp/stream.sent')) >= 5 && (!ipv6Server || (await count('/tmp/stream6.sent')) >= 5),
    30_000, 'the stream to start')
  return { done: Promise.all(runs) }
}

/** Stop the stream, flush client's queue, and count, per mailbox dir on new, the streamed mails.
 * `boxes` maps the local part a mail was sent to onto its Maildir on new. */
export async function streamResult(stream: Stream, boxes: Record<string, string>): Promise<{ sent: string[]; sent6: string[]; missing: string[]; twice: string[]; wrongBox: string[] }> {
  await sleep(3000) // mail sent to old's address after the cutover, through the forward
  await sh('client', 'touch /tmp/stream.stop')
  await stream.done
  await sh('client', 'postqueue -f')
  await waitUntil(async () => /Mail queue is empty/.test(await sh('client', 'postqueue -p')), 90_000, "client's queue to empty")
  const sent = (await sh('client', 'cat /tmp/stream.sent /tmp/stream6.sent 2>/dev/null || true')).split('\n').filter(Boolean)
  const found = new Map<string, string[]>()
  for (const [who, dir] of Object.entries(boxes)) {
    const ids = await sh('new', `grep -rhoi '^Message-Id: <stream6\\?-[^>]*>' ${dir} | sed -E 's/^[^<]*<([^@]*)@.*/\\1/' || true`)
    for (const id of ids.split('\n').filter(Boolean)) found.set(id, [...(found.get(id) ?? []), who])
  }
  const missing = sent.filter((id) => !found.has(id))
  const twice = [...found].filter(([, us]) => us.length > 1).map(([id]) => id)
  const wrongBox = [...found].filter(([id, us]) => !id.endsWith(`-${us[0]}`)).map(([id]) => id)
  const v6 = sent.filter((id) => id.startsWith('stream6-')).length
  console.log(`# stream: ${sent.length} sent (${v6} over IPv6), ${found.size} arrived on new, ${missing.length} missing, ${twice.length} duplicated`)
  return { sent, sent6: sent.filter((id) => id.startsWith('stream6-')), missing, twice, wrongBox }
}
