// smtp_probe: connect to an SMTP server from the target, check its banner and, optionally, that a
// sender and recipient are accepted, without ever sending DATA. Only reads; bash /dev/tcp, no python.
import { sh } from '../../connection/quote.js'
import { SMTP_DIALOG } from './smtp-dialog.js'
import { TsplayError } from '../../errors.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'

export interface SmtpProbeArgs {
  host: string
  port: number
  expect_banner?: string
  helo: string
  mail_from?: string
  rcpt_to?: string
  timeout: number
  verifies: boolean
}

export interface SmtpProbeState {
  /** Exit code of the probe script: 0 done, 3 no connection, 4 no (complete) reply in time. */
  rc: number | null
  /** 'S: ' lines from the server, 'C: ' lines we sent, in order. */
  transcript: string[]
}

/**
 * The conversation, as a constant script: values arrive as positional parameters, never as code,
 * and the schema forbids CR/LF in them, so nothing can add an SMTP command either.
 */
const SCRIPT = `T=$6
${SMTP_DIALOG}reply || exit 4
case $l in 2*) ;; *) exit 0 ;; esac
say "EHLO $3" && reply || exit 4
if [ -n "$4$5" ]; then say "MAIL FROM:<$4>" && reply || exit 4; fi
if [ -n "$5" ]; then say "RCPT TO:<$5>" && reply || exit 4; fi
say QUIT && reply
exit 0`

const NO_CRLF = '^[^\\r\\n<>]*$'

export const smtpProbe = defineModule<SmtpProbeArgs, SmtpProbeState>({
  name: 'smtp_probe',
  description: 'Check an SMTP server from the target: banner, EHLO and optionally MAIL FROM/RCPT TO acceptance, never DATA.',
  checkMode: (args) => (args.verifies ? 'verify' : 'plan'),
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      host: { type: 'string', default: '127.0.0.1', pattern: '^[^\\s/]+$', description: 'Server address, as seen from the target.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, default: 25, description: 'Server port.' },
      expect_banner: { type: 'string', description: 'Regex the 220 banner must match (e.g. the new host name).' },
      helo: { type: 'string', default: 'tsplay.probe', pattern: '^[^\\s<>]+$', description: 'Name sent with EHLO.' },
      mail_from: { type: 'string', pattern: NO_CRLF, description: 'Envelope sender to try (MAIL FROM); empty means the null sender.' },
      rcpt_to: { type: 'string', pattern: NO_CRLF, description: 'Recipient that must be accepted (RCPT TO); the probe quits before DATA.' },
      timeout: { type: 'number', minimum: 0.1, default: 10, description: 'Seconds to wait for each server reply.' },
      verifies: {
        type: 'boolean',
        default: false,
        description: 'The probe checks what this run sets up (a server it configures or starts, a forward it loads): --check skips it without connecting, as it would find the host as it was before the run.',
      },
    },
  },
  example: `- name: The old address now answers with the new server
  smtp_probe:
    host: 192.0.2.10
    expect_banner: 'mail2\\.example\\.org'
    rcpt_to: postmaster@example.org
  register: smtp`,

  async gather(args, ctx) {
    try {
      new RegExp(args.expect_banner ?? '')
    } catch (e) {
      throw new TsplayError(`expect_banner is not a valid regular expression: ${(e as Error).message}`)
    }
    const cmd = sh`bash -c ${SCRIPT} smtp_probe ${args.host} ${args.port} ${args.helo} ${args.mail_from ?? ''} ${args.rcpt_to ?? ''} ${String(args.timeout)}`
    // Five replies at most, each within timeout, plus the connection itself.
    const r = await read(ctx, cmd, { timeoutMs: (args.timeout * 6 + 5) * 1000, okCodes: 'any' })
    return { rc: r.timedOut ? 4 : r.rc, transcript: r.stdout.split('\n').filter((l) => /^[SC]: /.test(l)) }
  },

  plan(args, state) {
    const where = `${args.host}:${args.port}`
    const replies = conversation(state.transcript)
    const banner = replies[0]
    const data: Record<string, unknown> = { transcript: state.transcript }
    if (!banner) {
      return { changes: [], data, failed: state.rc === 3 ? `Cannot connect to ${where}` : `No SMTP banner from ${where} within ${args.timeout}s` }
    }
    Object.assign(data, { banner: banner.text, code: banner.code })
    if (banner.code !== 220) return { changes: [], data, failed: `${where} answered ${banner.text}` }
    if (args.expect_banner !== undefined && !new RegExp(args.expect_banner).test(banner.text)) {
      return { changes: [], data, failed: `banner '${banner.text}' does not match expect_banner ${args.expect_banner}` }
    }
    const steps: Array<[string, string | undefined]> = [
      ['EHLO', args.helo],
      ['MAIL FROM', args.mail_from !== undefined || args.rcpt_to !== undefined ? `<${args.mail_from ?? ''}>` : undefined],
      ['RCPT TO', args.rcpt_to === undefined ? undefined : `<${args.rcpt_to}>`],
    ]
    const said: string[] = []
    for (const [verb, value] of steps) {
      if (value === undefined) continue
      const r = replies.find((x) => x.command?.startsWith(verb))
      const key = verb.toLowerCase().replace(' ', '_')
      if (!r) return { changes: [], data, failed: `No reply to ${verb} from ${where} within ${args.timeout}s` }
      Object.assign(data, { [`${key}_code`]: r.code, [`${key}_reply`]: r.text })
      if (r.code < 200 || r.code > 299) return { changes: [], data, failed: `${verb}${verb === 'EHLO' ? ' ' : ':'}${value} refused by ${where}: ${r.text}` }
      if (verb !== 'EHLO') said.push(`${verb}:${value} accepted`)
    }
    return { changes: [], data, reason: [`${where} answered ${banner.text}`, ...said].join('; ') }
  },
})

interface Reply {
  /** The command this answers; undefined for the banner. */
  command?: string
  code: number
  /** Every line of the reply, joined with newlines. */
  text: string
}

/** Server lines grouped into replies, each tied to the command before it. */
function conversation(transcript: string[]): Reply[] {
  const out: Reply[] = []
  let command: string | undefined
  let lines: string[] = []
  for (const l of transcript) {
    if (l.startsWith('C: ')) {
      command = l.slice(3)
      continue
    }
    lines.push(l.slice(3))
    if (!/^\d{3}-/.test(l.slice(3))) {
      out.push({ command, code: Number(lines[0]!.slice(0, 3)) || 0, text: lines.join('\n') })
      lines = []
    }
  }
  return out
}
