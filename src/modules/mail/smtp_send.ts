// smtp_send: send one small mail over SMTP from the target (the cutover's canary): bash /dev/tcp,
// no extra packages. Sending is the change, so --check sends nothing.
import { sh } from '../../connection/quote.js'
import { SMTP_DIALOG } from '../net/smtp-dialog.js'
import { defineModule } from '../module.js'

export interface SmtpSendArgs {
  host: string
  port: number
  from: string
  to: string
  subject: string
  message_id: string
  body: string
  helo: string
  timeout: number
}

/** The conversation as a constant script; values arrive as positional parameters. Exit 0 when
 * the message was queued (250 after DATA), 3 no connection, 4 no reply, 5 refused. */
const SCRIPT = `T=$8
${SMTP_DIALOG}want() { reply || exit 4; case $l in "$1"*) ;; *) exit 5 ;; esac; }
want 2
say "EHLO $9"; want 2
say "MAIL FROM:<$3>"; want 2
say "RCPT TO:<$4>"; want 2
say DATA; want 3
{ printf 'From: <%s>\\r\\nTo: <%s>\\r\\nSubject: %s\\r\\nMessage-ID: <%s>\\r\\nDate: %s\\r\\n\\r\\n' "$3" "$4" "$5" "$6" "$(LC_ALL=C date -R)"
  printf '%s\\n' "$7" | sed -e 's/^\\./../' -e 's/$/\\r/'
  printf '.\\r\\n'; } >&3
want 2
say QUIT; reply
exit 0`

const LINE = '^[^\\r\\n<>]*$'

export const smtpSend = defineModule<SmtpSendArgs, Record<string, never>>({
  name: 'smtp_send',
  description: 'Send one small mail over SMTP from the target (bash /dev/tcp), e.g. a canary with a unique Message-ID.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['to', 'message_id'],
    properties: {
      host: { type: 'string', default: '127.0.0.1', pattern: '^[^\\s/]+$', description: 'SMTP server address, as seen from the target.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, default: 25, description: 'Server port.' },
      from: { type: 'string', default: 'tsplay@localhost', pattern: LINE, description: 'Envelope and header sender.' },
      to: { type: 'string', minLength: 1, pattern: LINE, description: 'Recipient.' },
      subject: { type: 'string', default: 'tsplay canary', pattern: '^[^\\r\\n]*$', description: 'Subject header.' },
      message_id: { type: 'string', minLength: 3, pattern: '^[^\\s<>]+@[^\\s<>]+$', description: 'Message-ID without the angle brackets.' },
      body: { type: 'string', default: 'sent by tsplay', description: 'Message text.' },
      helo: { type: 'string', default: 'tsplay.canary', pattern: '^[^\\s<>]+$', description: 'Name sent with EHLO.' },
      timeout: { type: 'number', minimum: 0.1, default: 20, description: 'Seconds to wait for each server reply.' },
    },
  },
  example: `- smtp_send:
    host: 192.0.2.10
    to: postmaster@example.org
    message_id: "canary-{{ ansible_date_time.epoch }}@tsplay"
  delegate_to: localhost`,

  async gather() {
    return {}
  },

  plan(args) {
    const where = `${args.host}:${args.port}`
    return {
      changes: [
        {
          kind: 'exec',
          cmd: sh`bash -c ${SCRIPT} smtp_send ${args.host} ${args.port} ${args.from} ${args.to} ${args.subject} ${args.message_id} ${args.body} ${String(args.timeout)} ${args.helo}`,
          timeoutMs: (args.timeout * 8 + 5) * 1000,
          parse: (r) => ({ transcript: r.stdout.split('\n').filter((l) => /^[SC]: /.test(l)), queued: r.rc === 0 }),
        },
      ],
      msg: `send <${args.message_id}> to ${args.to} via ${where}`,
    }
  },
})
