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

/** Run the migration playbook through the CLI against a lab inventory. */
export function migrate(inventory: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, [cli, playbook, '-i', inventory, ...args], {
      env: { ...process.env, CI: 'true', NO_COLOR: '1', TSPLAY_GRACE_SECONDS: '2' },
    })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
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

/** Start the stream on client; resolves once a few mails went out. Stop it with `stopStream`. */
export interface Stream {
  done: Promise<unknown>
}

export async function startStream(to: readonly string[], server?: string): Promise<Stream> {
  const done = labExec('client', ['bash', '-c', streamScript(to, server)])
  await waitUntil(async () => Number((await labExec('client', ['sh', '-c', 'wc -l < /tmp/stream.sent 2>/dev/null || echo 0'])).stdout) >= 5,
    30_000, 'the stream to start')
  return { done }
}

/** Stop the stream, flush client's queue, and count, per mailbox dir on new, the streamed mails.
 * `boxes` maps the local part a mail was sent to onto its Maildir on new. */
export async function streamResult(stream: Stream, boxes: Record<string, string>): Promise<{ sent: string[]; missing: string[]; twice: string[]; wrongBox: string[] }> {
  await sleep(3000) // mail sent to old's address after the cutover, through the forward
  await sh('client', 'touch /tmp/stream.stop')
  await stream.done
  await sh('client', 'postqueue -f')
  await waitUntil(async () => /Mail queue is empty/.test(await sh('client', 'postqueue -p')), 90_000, "client's queue to empty")
  const sent = (await sh('client', 'cat /tmp/stream.sent')).split('\n').filter(Boolean)
  const found = new Map<string, string[]>()
  for (const [who, dir] of Object.entries(boxes)) {
    const ids = await sh('new', `grep -rhoi '^Message-Id: <stream-[^>]*>' ${dir} | sed -E 's/^[^<]*<([^@]*)@.*/\\1/' || true`)
    for (const id of ids.split('\n').filter(Boolean)) found.set(id, [...(found.get(id) ?? []), who])
  }
  const missing = sent.filter((id) => !found.has(id))
  const twice = [...found].filter(([, us]) => us.length > 1).map(([id]) => id)
  const wrongBox = [...found].filter(([id, us]) => !id.endsWith(`-${us[0]}`)).map(([id]) => id)
  console.log(`# stream: ${sent.length} sent, ${found.size} arrived on new, ${missing.length} missing, ${twice.length} duplicated`)
  return { sent, missing, twice, wrongBox }
}
