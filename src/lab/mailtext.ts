// The text of one generated message: realistic headers, a body of plausible length, sometimes
// a base64 attachment. Pure and deterministic for a given random source.

export type Rng = () => number

/** mulberry32: small, fast, seedable; enough for test data. */
export function rng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface MessageSpec {
  user: string
  domain: string
  host: string
  time: number
  seq: number
  folder: string
  profile: 'realistic' | 'small'
}

const SENDERS = ['Dana Whitfield <dana@partner.example>', 'billing@shop.example', 'Marc Olsen <marc.olsen@example.org>',
  '"Team Calendar" <calendar@example.net>', 'noreply@tickets.example', 'Priya Raman <priya@example.com>']
const TOPICS = ['Quarterly report', 'Re: lunch on Friday?', 'Invoice 2023-0412', 'Meeting notes', 'Fwd: photos from the trip',
  'Your order has shipped', 'Re: Re: migration plan', 'Weekly digest', 'Contract draft v3', 'Été à Genève — programme']
const WORDS = ('the a of to and in that is for on with as was at by be this have from or one had not but what all were when we ' +
  'there can an your which their said if do will each about how up out them then she many some so these would other into has ' +
  'more two time could no way been people than first water long down day did get come made may part mail server migration').split(' ')

export function messageText(r: Rng, m: MessageSpec): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
  const to = `${m.user}@${m.domain}`
  const sent = m.folder === '.Sent'
  const from = sent ? to : pick(SENDERS)
  const rcpt = sent ? pick(SENDERS) : to
  const date = new Date(m.time * 1000).toUTCString().replace('GMT', '+0000')
  const subject = m.folder === '.Spam' ? 'You have WON a prize!!!' : pick(TOPICS)
  const encSubject = /[^\x20-\x7e]/.test(subject) ? `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=` : subject
  const msgId = `<${m.time}.${m.seq}.${Math.floor(r() * 1e9).toString(36)}@${m.host}>`
  const size = bodySize(r, m.profile)
  const attach = m.profile === 'realistic' && size > 60_000
  const boundary = `=_lab_${m.seq}_${Math.floor(r() * 1e9).toString(36)}`
  const head = [
    `Return-Path: <${from.replace(/.*<|>.*/g, '')}>`,
    `Delivered-To: ${to}`,
    `Received: from client.${m.domain} (client.${m.domain} [10.203.0.12])`,
    `\tby ${m.host} (Postfix) with ESMTP id ${(m.seq * 7919).toString(16).toUpperCase()}`,
    `\tfor <${to}>; ${date}`,
    `From: ${from}`,
    `To: ${rcpt}`,
    `Subject: ${encSubject}`,
    `Date: ${date}`,
    `Message-ID: ${msgId}`,
    'MIME-Version: 1.0',
    attach ? `Content-Type: multipart/mixed; boundary="${boundary}"` : 'Content-Type: text/plain; charset=UTF-8',
    attach ? '' : 'Content-Transfer-Encoding: 8bit',
  ].filter(Boolean)
  const text = paragraphs(r, attach ? 1500 : size)
  if (!attach) return `${head.join('\n')}\n\n${text}`
  const blob = Buffer.alloc(Math.floor((size * 3) / 4))
  for (let i = 0; i < blob.length; i += 4) blob.writeUInt32LE(Math.floor(r() * 4294967296), Math.min(i, blob.length - 4))
  const b64 = blob.toString('base64').replace(/.{76}/g, '$&\n')
  return `${head.join('\n')}\n\nThis is a multi-part message in MIME format.\n\n--${boundary}\n` +
    `Content-Type: text/plain; charset=UTF-8\n\n${text}\n--${boundary}\n` +
    `Content-Type: application/pdf; name="report-${m.seq}.pdf"\nContent-Transfer-Encoding: base64\n` +
    `Content-Disposition: attachment; filename="report-${m.seq}.pdf"\n\n${b64}\n--${boundary}--\n`
}

/** Mostly a few KB, some tens of KB, a few large attachments (up to ~1 MB). */
function bodySize(r: Rng, profile: 'realistic' | 'small'): number {
  if (profile === 'small') return 400 + Math.floor(r() * 800)
  const x = r()
  if (x < 0.8) return 800 + Math.floor(r() * 6000)
  if (x < 0.95) return 10_000 + Math.floor(r() * 50_000)
  return 100_000 + Math.floor(r() * 900_000)
}

function paragraphs(r: Rng, size: number): string {
  const lines: string[] = []
  let n = 0
  let line = ''
  while (n < size) {
    const w = WORDS[Math.floor(r() * WORDS.length)]!
    if (line.length + w.length + 1 > 72) {
      lines.push(line)
      n += line.length + 1
      line = ''
      if (r() < 0.15) lines.push('')
    }
    line = line ? `${line} ${w}` : w
  }
  if (line) lines.push(line)
  return lines.join('\n') + '\n'
}
