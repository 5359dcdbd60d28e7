// maildir_digest's reading side: the host's output ("HASH  ./path\0" per message, or "./path\0"
// when comparing by name) parsed as it streams into key → value, and two digests compared.

/** `sha256sum -z` output ("HASH  ./.Sent/cur/NAME:2,S\0"...) → key → hash. */
export function parseDigest(out: string, byName = false): Record<string, string> {
  const p = new DigestParser(byName)
  p.push(out)
  return p.end()
}

/** The same parse, fed chunk by chunk while the output streams in: a million messages are
 * ~130 MB of output, which is never joined and split as one string. */
export class DigestParser {
  readonly messages: Record<string, string> = {}
  /** Distinct keys so far (Object.keys of a million keys costs ~0.5 s). */
  count = 0
  /** The start of a record cut by the end of the previous chunk. */
  private rest = ''

  /** byName: records are bare paths, and a key's value is where the message is and its flags
   * ('cur:2,S'), so a flag change or a move from new/ to cur/ shows as a difference. */
  constructor(private readonly byName = false) {}

  push(chunk: string): void {
    const text = this.rest + chunk
    let at = 0
    for (let nul = text.indexOf('\0'); nul !== -1; nul = text.indexOf('\0', at)) {
      this.record(text, at, nul)
      at = nul + 1
    }
    this.rest = text.slice(at)
  }

  end(): Record<string, string> {
    if (this.rest !== '') this.record(this.rest, 0, this.rest.length)
    this.rest = ''
    return this.messages
  }

  private record(text: string, from: number, to: number): void {
    if (text.charCodeAt(from) === 10) from++ // a "\n" left by a non -z line
    if (this.byName) return this.add(text.slice(from, to), (path) => nameValue(path))
    if (text.charCodeAt(from) === 92) from++ // "\HASH": sha256sum without -z escaped the name
    // "HASH" (64 hex), a space, then ' ' (text) or '*' (binary), then the path.
    if (to - from < 67) return
    HASH.lastIndex = from
    if (!HASH.test(text)) return
    // A copy: a slice would keep its whole ~64 KB chunk alive as long as the digest.
    this.add(text.slice(from + 66, to), () => (' ' + text.slice(from, from + 64)).slice(1))
  }

  private add(path: string, value: (path: string) => string): void {
    const key = messageKey(path)
    if (key === undefined) return
    if (!(key in this.messages)) this.count++
    this.messages[key] = value(path)
  }
}

/** 64 lowercase hex digits, a space, then ' ' (text mode) or '*' (binary mode). */
const HASH = /[0-9a-f]{64} [ *]/y

/** './.Sent/cur/NAME:2,RS' → 'cur:2,RS' (a copy, not a slice of the chunk). */
function nameValue(path: string): string {
  const slash = path.lastIndexOf('/')
  const flags = path.indexOf(':2,', slash)
  return ' '.concat(path.slice(slash - 3, slash), flags === -1 ? '' : path.slice(flags)).slice(1)
}

/** './.Archive.2023/cur/123.M4P5.host,S=9:2,RS' → '.Archive.2023/123.M4P5.host,S=9'. */
export function messageKey(path: string): string | undefined {
  const p = path.startsWith('./') ? path.slice(2) : path
  const slash = p.lastIndexOf('/')
  if (slash < 3) return undefined
  const sub = p.slice(slash - 3, slash)
  if ((sub !== 'cur' && sub !== 'new') || (slash > 3 && p.charCodeAt(slash - 4) !== 47)) return undefined
  const folder = slash === 3 ? '.' : p.slice(0, slash - 4)
  let base = p.slice(slash + 1)
  // Flags: from ':2,' to the end (may be empty).
  const flags = base.indexOf(':2,')
  if (flags !== -1) base = base.slice(0, flags)
  return `${folder}/${base}`
}

export interface MailboxDigest {
  count: number
  /** 'folder/unique-name' → sha256 of the file ('.' is INBOX); by name: 'cur:2,FLAGS' or 'new'. */
  messages: Record<string, string>
}

export interface MailboxComparison {
  before: number
  after: number
  /** The first LISTED keys missing / differing (all of them in the counts). */
  missing: string[]
  changed: string[]
  missing_count: number
  changed_count: number
  extra: number
}

/** Names listed per mailbox and kind: a million missing names would be ~60 MB of result. */
export const LISTED = 1000

export function compare(before: MailboxDigest | undefined, after: MailboxDigest | undefined): MailboxComparison {
  const b = before?.messages ?? {}
  const a = after?.messages ?? {}
  const missing: string[] = []
  const changed: string[] = []
  let inBoth = 0
  for (const k in b) {
    const v = a[k]
    if (v === undefined) missing.push(k)
    else {
      inBoth++
      if (v !== b[k]) changed.push(k)
    }
  }
  const after_ = after?.count ?? Object.keys(a).length
  const cut = (l: string[]): string[] => (l.length > LISTED ? l.sort().slice(0, LISTED) : l.sort())
  return {
    before: before?.count ?? Object.keys(b).length,
    after: after_,
    missing_count: missing.length,
    changed_count: changed.length,
    missing: cut(missing),
    changed: cut(changed),
    extra: after_ - inBoth,
  }
}
