// A mail generator: Maildir++ mailboxes as a real MDA and courier leave them (new/ and cur/ with
// flags, MDA-style unique names carrying the hostname and sizes, Maildir++ folders with odd names,
// courier's IMAP UID db and POP3 size list). Deterministic for a seed, so runs can be compared.
import { mkdir, writeFile, utimes, chown } from 'node:fs/promises'
import { join } from 'node:path'
import { MAIL_DOMAIN } from './config.js'
import { messageText, rng, type Rng } from './mailtext.js'

export interface MaildirGenOptions {
  /** Messages in the whole mailbox (INBOX and folders). */
  messages: number
  /** The delivering host, as MDAs put it in file names (e.g. old.example.test). */
  hostname: string
  /** Local part of the recipient. */
  user: string
  domain?: string
  /** Same seed, same mailbox. Default: derived from user. */
  seed?: number
  /** Add .Sent, .Spam, ".Old Projects", .Archive.2023, a UTF-8 name. Default true. */
  folders?: boolean
  /** 'realistic': 2 KB–1 MB mix with attachments; 'small': ~1 KB each (many-files benchmarks). */
  profile?: 'realistic' | 'small'
  /** Owner of everything written (default: leave as the caller). */
  uid?: number
  gid?: number
  /** Unix time of the first message; one message per ~37 minutes after it. */
  startTime?: number
}

export interface MaildirGenResult {
  messages: number
  bytes: number
  /** Maildir++ folder names ('' is INBOX). */
  folders: string[]
}

/** Odd-but-real folder names a migration must carry byte for byte (courier-imap 5 keeps UTF-8 names on disk). */
export const ODD_FOLDERS = ['.Sent', '.Spam', '.Old Projects', '.Archive', '.Archive.2023', '.Entwürfe'] as const

const UIDV_BASE = 1_700_000_000

interface Msg {
  base: string
  dir: 'new' | 'cur'
  flags: string
  text: string
  time: number
  /** Size with CRLF line ends (RFC 822 size, what POP3 reports). */
  wsize: number
}

export async function generateMaildir(root: string, opts: MaildirGenOptions): Promise<MaildirGenResult> {
  const r = rng(opts.seed ?? seedOf(opts.user))
  const folders = opts.folders === false ? [''] : ['', ...ODD_FOLDERS]
  const perFolder = splitCounts(opts.messages, folders.length, r)
  let time = opts.startTime ?? 1_700_000_000
  let seq = 0
  let bytes = 0
  for (const [fi, folder] of folders.entries()) {
    const dir = join(root, folder)
    for (const d of ['cur', 'new', 'tmp']) await mkdir(join(dir, d), { recursive: true, mode: 0o700 })
    if (folder) await writeFile(join(dir, 'maildirfolder'), '')
    const msgs: Msg[] = []
    for (let i = 0; i < (perFolder[fi] ?? 0); i++) {
      time += 600 + Math.floor(r() * 3000)
      const text = messageText(r, { user: opts.user, domain: opts.domain ?? MAIL_DOMAIN, host: opts.hostname, time, seq, folder, profile: opts.profile ?? 'realistic' })
      const size = Buffer.byteLength(text)
      const wsize = size + (text.match(/\n/g)?.length ?? 0)
      const base = `${time}.M${Math.floor(r() * 999_999)}P${1000 + Math.floor(r() * 30_000)}Q${++seq}.${mdaHost(opts.hostname)},S=${size},W=${wsize}`
      // The newest INBOX messages are unread in new/, as the MDA left them.
      const isNew = folder === '' && i >= (perFolder[fi] ?? 0) * 0.8
      msgs.push({ base, dir: isNew ? 'new' : 'cur', flags: isNew ? '' : pickFlags(r, folder), text, time, wsize })
      bytes += size
    }
    for (const m of msgs) {
      const name = m.dir === 'new' ? m.base : `${m.base}:2,${m.flags}`
      const path = join(dir, m.dir, name)
      await writeFile(path, m.text, { mode: 0o600 })
      await utimes(path, m.time, m.time)
    }
    await writeFile(join(dir, 'courierimapuiddb'), imapUidDb(msgs, UIDV_BASE + fi))
    if (folder === '') await writeFile(join(dir, 'courierpop3dsizelist'), pop3SizeList(msgs, UIDV_BASE + fi))
  }
  const subscribed = folders.filter(Boolean).map((f) => `INBOX${f}`)
  await writeFile(join(root, 'courierimapsubscribed'), subscribed.map((s) => s + '\n').join(''))
  if (opts.uid !== undefined) await chownTree(root, opts.uid, opts.gid ?? opts.uid, folders)
  return { messages: seq, bytes, folders }
}

/** courierimapuiddb v1: "1 UIDVALIDITY NEXTUID", then "UID BASENAME" for each message courier has seen (cur/). */
export function imapUidDb(msgs: ReadonlyArray<Msg>, uidv: number): string {
  const seen = msgs.filter((m) => m.dir === 'cur')
  return `1 ${uidv} ${seen.length + 1}\n${seen.map((m, i) => `${i + 1} ${m.base}\n`).join('')}`
}

/**
 * courierpop3dsizelist as courier 1.0 writes it: "/3 NEXTUID UIDVALIDITY", then
 * "FILENAME RFC822SIZE UID:UIDVALIDITY:UTF8" for cur/ messages; new/ ones get UIDs at next login.
 */
export function pop3SizeList(msgs: ReadonlyArray<Msg>, uidv: number): string {
  const seen = msgs.filter((m) => m.dir === 'cur')
  const lines = seen.map((m, i) => `${m.base}:2,${m.flags} ${m.wsize} ${i + 1}:${uidv}:0\n`)
  return `/3 ${seen.length + 1} ${uidv}\n${lines.join('')}`
}

/** MDAs escape '/' and ':' in the hostname part of a Maildir name. */
function mdaHost(host: string): string {
  return host.replace(/\//g, '\\057').replace(/:/g, '\\072')
}

function pickFlags(r: Rng, folder: string): string {
  if (folder === '.Sent') return 'S'
  if (folder === '.Spam') return r() < 0.5 ? '' : 'S'
  const x = r()
  return x < 0.55 ? 'S' : x < 0.75 ? 'RS' : x < 0.85 ? 'FS' : x < 0.93 ? '' : 'ST'
}

/** Most mail lands in INBOX; folders get a little each. */
function splitCounts(total: number, n: number, r: Rng): number[] {
  if (n === 1) return [total]
  const inbox = Math.max(total - Math.floor(total * 0.3), Math.min(total, 1))
  const counts = [inbox, ...Array<number>(n - 1).fill(0)]
  for (let i = 0; i < total - inbox; i++) counts[1 + Math.floor(r() * (n - 1))]! += 1
  return counts
}

function seedOf(s: string): number {
  let h = 2166136261
  for (const c of s) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  return h >>> 0
}

async function chownTree(root: string, uid: number, gid: number, folders: readonly string[]): Promise<void> {
  const { readdir } = await import('node:fs/promises')
  await chown(root, uid, gid)
  await chown(join(root, 'courierimapsubscribed'), uid, gid)
  for (const f of folders) {
    const dir = join(root, f)
    await chown(dir, uid, gid)
    for (const e of await readdir(dir)) {
      if (f === '' && e.startsWith('.')) continue // subfolders are chowned in their turn
      await chown(join(dir, e), uid, gid)
      if (['cur', 'new', 'tmp'].includes(e)) for (const m of await readdir(join(dir, e))) await chown(join(dir, e, m), uid, gid)
    }
  }
}
