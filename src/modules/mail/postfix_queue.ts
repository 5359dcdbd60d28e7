// postfix_queue: drain postfix's queue of mail for local domains (flush, then wait until none is
// left), so no mail the host accepted stays behind when postfix stops. Mail for other domains and
// held mail are only counted: they stay in the queue (the migration moves it to new).
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'

export interface PostfixQueueArgs {
  domains?: string[]
  timeout: number
}

export interface QueuedMessage {
  queue: string
  id: string
  recipients: string[]
}

export interface PostfixQueueState {
  messages: QueuedMessage[]
  domains: string[]
}

/** `postqueue -j` (one JSON object per line) → messages. */
export function parseQueue(out: string): QueuedMessage[] {
  const msgs: QueuedMessage[] = []
  for (const line of out.split('\n')) {
    if (!line.trim().startsWith('{')) continue
    const j = JSON.parse(line) as { queue_name?: string; queue_id?: string; recipients?: Array<{ address?: string }> }
    msgs.push({ queue: j.queue_name ?? '', id: j.queue_id ?? '', recipients: (j.recipients ?? []).map((r) => r.address ?? '') })
  }
  return msgs
}

export function isLocal(address: string, domains: readonly string[]): boolean {
  const at = address.lastIndexOf('@')
  const d = (at < 0 ? '' : address.slice(at + 1)).toLowerCase()
  return at < 0 || domains.includes(d)
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Flush, then poll until no queued recipient outside the hold queue is local, or fail after $1 seconds. */
const DRAIN = `end=$(( $(date +%s) + $1 )); re=$2
postqueue -f
while n=$(postqueue -j | grep -v "\\"queue_name\\": *\\"hold\\"" | grep -ciE "\\"address\\": *\\"[^\\"]*@($re)\\""); [ "$n" -gt 0 ]; do
  [ "$(date +%s)" -ge "$end" ] && { echo "still $n messages for local domains in the queue after $1 s" >&2; postqueue -p >&2; exit 1; }
  sleep 0.3
done
echo drained`

export const postfixQueue = defineModule<PostfixQueueArgs, PostfixQueueState>({
  name: 'postfix_queue',
  description: "Drain postfix's queue of mail for local domains: flush, wait until none is left, report what else is queued.",
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      domains: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9.-]+$' }, description: "Local domains (default: postfix's mydestination and virtual_mailbox_domains)." },
      timeout: { type: 'number', minimum: 1, default: 120, description: 'Seconds to wait for the local mail to be delivered.' },
    },
  },
  example: `- name: Deliver what old accepted before postfix stops
  postfix_queue:
    timeout: 60`,

  async gather(args, ctx) {
    const r = await read(ctx, 'postqueue -j; echo "--DOMAINS--"; postconf -xh mydestination virtual_mailbox_domains', { what: 'reading the postfix queue' })
    const [queue = '', conf = ''] = r.stdout.split('--DOMAINS--')
    const fromConf = conf.split(/[\s,]+/).filter((d) => /^[A-Za-z0-9.-]+$/.test(d)).map((d) => d.toLowerCase())
    return { messages: parseQueue(queue), domains: [...new Set((args.domains ?? fromConf).map((d) => d.toLowerCase()))] }
  },

  plan(args, state) {
    // Held mail is never delivered by a flush: it stays queued (the migration moves it with the queue).
    const held = state.messages.filter((m) => m.queue === 'hold').length
    const local = state.messages.filter((m) => m.queue !== 'hold' && m.recipients.some((r) => isLocal(r, state.domains)))
    const other = state.messages.length - local.length - held
    const data = { local: local.length, other, held, domains: state.domains, queue_ids: local.map((m) => m.id) }
    const rest = `${other ? `; ${other} for other domains stay queued` : ''}${held ? `; ${held} held stay held` : ''}`
    if (local.length === 0) return { changes: [], data, reason: `no mail for local domains in the queue${rest}` }
    const re = state.domains.map(escapeRe).join('|')
    return {
      changes: [{ kind: 'exec', cmd: sh`bash -c ${DRAIN} postfix_queue ${String(args.timeout)} ${re}`, timeoutMs: (args.timeout + 30) * 1000 }],
      data,
      msg: `delivered ${local.length} queued messages for ${state.domains.join(', ')}${rest}`,
    }
  },
})
