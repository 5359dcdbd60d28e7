// Tiny POP3/IMAP clients (node:net, one command at a time: courier's login process drops
// pipelined input). Used by the lab tests and by migration checks to compare old and new.
import { connect, type Socket } from 'node:net'
import { TsplayError } from '../errors.js'

class LineConn {
  private buf = ''
  private waiter?: () => void
  private closed = false
  constructor(private readonly sock: Socket) {
    sock.setEncoding('utf8')
    sock.on('data', (d: string) => {
      this.buf += d
      this.waiter?.()
    })
    sock.on('close', () => {
      this.closed = true
      this.waiter?.()
    })
    sock.on('error', () => {})
  }
  /** Read until `done(buffer)` is true; returns and consumes the buffer. */
  async until(done: (text: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (!done(this.buf)) {
      if (this.closed) throw new TsplayError(`Connection closed while waiting for ${what}; got: ${this.buf.trim()}`)
      if (Date.now() > deadline) throw new TsplayError(`Timed out waiting for ${what}; got: ${this.buf.trim()}`)
      await new Promise<void>((r) => {
        this.waiter = r
        setTimeout(r, 100)
      })
    }
    const out = this.buf
    this.buf = ''
    return out
  }
  send(line: string): void {
    this.sock.write(`${line}\r\n`)
  }
  end(): void {
    this.sock.destroy()
  }
}

function open(host: string, port: number): Promise<LineConn> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port, timeout: 5000 })
    s.once('connect', () => resolve(new LineConn(s)))
    s.once('error', (e) => reject(new TsplayError(`Cannot connect to ${host}:${port}: ${e.message}`, { cause: e })))
  })
}

const line = (t: string): boolean => t.includes('\r\n')
const multi = (t: string): boolean => t.startsWith('-ERR') || t.includes('\r\n.\r\n')

export interface Pop3Result {
  count: number
  bytes: number
  /** UIDL per message number (1-based order). */
  uidl: string[]
}

/** Log in by USER/PASS, read STAT and UIDL, QUIT. Throws with the server's reply on failure. */
export async function pop3Uidl(host: string, user: string, password: string): Promise<Pop3Result> {
  const c = await open(host, 110)
  try {
    await c.until(line, 'POP3 greeting')
    c.send(`USER ${user}`)
    await c.until(line, 'USER reply')
    c.send(`PASS ${password}`)
    const pass = await c.until(line, 'PASS reply')
    if (!pass.startsWith('+OK')) throw new TsplayError(`POP3 login as ${user} on ${host} failed: ${pass.trim()}`)
    c.send('STAT')
    const stat = (await c.until(line, 'STAT reply')).trim().split(' ')
    c.send('UIDL')
    const uidl = (await c.until(multi, 'UIDL list')).split('\r\n').slice(1).filter((l) => l && l !== '.')
    c.send('QUIT')
    await c.until(line, 'QUIT reply').catch(() => '')
    return { count: Number(stat[1]), bytes: Number(stat[2]), uidl: uidl.map((l) => l.split(' ')[1] ?? '') }
  } finally {
    c.end()
  }
}

/** IMAP LOGIN then LIST "" "*": the folder names the server shows this user. */
export async function imapFolders(host: string, user: string, password: string): Promise<string[]> {
  const c = await open(host, 143)
  const tagged = (tag: string) => (t: string): boolean => new RegExp(`(^|\\r\\n)${tag} (OK|NO|BAD)`).test(t)
  try {
    await c.until(line, 'IMAP greeting')
    c.send(`a1 LOGIN ${imapQuote(user)} ${imapQuote(password)}`)
    const login = await c.until(tagged('a1'), 'LOGIN reply')
    if (!/a1 OK/.test(login)) throw new TsplayError(`IMAP login as ${user} on ${host} failed: ${login.trim()}`)
    c.send('a2 LIST "" "*"')
    const list = await c.until(tagged('a2'), 'LIST reply')
    c.send('a3 LOGOUT')
    return list
      .split('\r\n')
      .filter((l) => l.startsWith('* LIST'))
      .map((l) => l.replace(/^\* LIST \([^)]*\) (?:"[^"]*"|NIL) /, '').replace(/^"(.*)"$/, '$1'))
  } finally {
    c.end()
  }
}

function imapQuote(s: string): string {
  return `"${s.replace(/[\\"]/g, '\\$&')}"`
}
