// Throwaway network namespaces for tests (tsplay-t-<random>): a Connection that runs commands
// inside one, veth links between them, processes started in them, and cleanup that kills only
// the PIDs inside our own namespaces before deleting them.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Connection, ExecOptions, ExecResult, PutOptions } from '../../src/connection/connection.js'
import { LocalConnection } from '../../src/connection/local.js'
import { sh } from '../../src/connection/quote.js'

export interface Netns {
  name: string
  /** Commands run inside the namespace (files are the machine's own: only the network differs). */
  conn: Connection
  /** Run a command inside, synchronously; throws on a non-zero exit. */
  run(...args: string[]): string
  /** Start a long-running process inside; it is killed by PID on remove(). */
  spawn(args: string[]): ChildProcess
  remove(): void
}

const live = new Set<Netns>()
// A crashed test must not leave namespaces behind (the before-stop hook checks for tsplay-*).
process.on('exit', () => {
  for (const ns of live) ns.remove()
})

class NetnsConnection implements Connection {
  readonly transport = 'local'
  private readonly local: LocalConnection
  constructor(readonly host: string, private readonly ns: string) {
    this.local = new LocalConnection(host)
  }
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    // env and cwd are set by the outer shell and inherited through `ip netns exec`.
    return this.local.exec(sh`ip netns exec ${this.ns} /bin/sh -c ${command}`, opts)
  }
  put(path: string, content: string | Buffer, opts?: PutOptions): Promise<void> {
    return this.local.put(path, content, opts)
  }
  get(path: string, opts?: { become?: PutOptions['become'] }): Promise<Buffer> {
    return this.local.get(path, opts)
  }
  async close(): Promise<void> {}
}

/** A new namespace with loopback up and nothing else: no route leads out of it. */
export function createNetns(host = 'nshost'): Netns {
  const name = `tsplay-t-${randomBytes(4).toString('hex')}`
  execFileSync('ip', ['netns', 'add', name])
  const children: ChildProcess[] = []
  const ns: Netns = {
    name,
    conn: new NetnsConnection(host, name),
    run: (...args) => execFileSync('ip', ['netns', 'exec', name, ...args], { encoding: 'utf8' }),
    spawn(args) {
      // `ip netns exec` execs the program, so the child's PID is the program's own.
      const child = spawn('ip', ['netns', 'exec', name, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(child)
      return child
    },
    remove() {
      if (!live.delete(ns)) return
      for (const c of children) if (c.exitCode === null && c.signalCode === null && c.pid) killPid(c.pid)
      // Anything else still inside was started by this test (ours is the only use of the name).
      let pids: string[] = []
      try {
        pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).split('\n').filter(Boolean)
      } catch {}
      for (const p of pids) killPid(Number(p))
      try {
        execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' })
      } catch {}
    },
  }
  live.add(ns)
  ns.run('ip', 'link', 'set', 'lo', 'up')
  return ns
}

/** Connect two namespaces with a veth pair and give each end an address (e.g. '10.77.1.1/24'). */
export function link(a: Netns, aAddr: string, b: Netns, bAddr: string): { aIf: string; bIf: string } {
  const id = randomBytes(3).toString('hex')
  const aIf = `ta${id}`
  const bIf = `tb${id}`
  execFileSync('ip', ['-n', a.name, 'link', 'add', aIf, 'type', 'veth', 'peer', 'name', bIf, 'netns', b.name])
  a.run('ip', 'addr', 'add', aAddr, 'dev', aIf)
  b.run('ip', 'addr', 'add', bAddr, 'dev', bIf)
  a.run('ip', 'link', 'set', aIf, 'up')
  b.run('ip', 'link', 'set', bIf, 'up')
  return { aIf, bIf }
}

function killPid(pid: number): void {
  try {
    readFileSync(`/proc/${pid}/cmdline`)
    process.kill(pid, 'SIGKILL')
  } catch {}
}

/** Every namespace this process created and has not removed yet (for leak checks). */
export function liveNamespaces(): string[] {
  return [...live].map((n) => n.name)
}

/** A tiny SMTP responder (node, no deps) for `spawn`: banner, EHLO, MAIL, RCPT (rejects
 * addresses starting with 'nobody'), QUIT. It prints 'ready' once listening. */
export function fakeSmtpArgs(address: string, port: number, banner: string): string[] {
  const code = `
const net = require('node:net')
const [addr, port, banner] = process.argv.slice(1)
net.createServer((s) => {
  s.write('220 ' + banner + '\\r\\n')
  let buf = ''
  s.on('data', (d) => {
    buf += d
    let i
    while ((i = buf.indexOf('\\r\\n')) >= 0) {
      const line = buf.slice(0, i); buf = buf.slice(i + 2)
      const v = line.toUpperCase()
      if (v.startsWith('EHLO')) s.write('250-fake.test\\r\\n250 8BITMIME\\r\\n')
      else if (v.startsWith('MAIL FROM:')) s.write('250 2.1.0 Ok\\r\\n')
      else if (v.startsWith('RCPT TO:<NOBODY')) s.write('550 5.1.1 ' + line.slice(8) + ': Recipient address rejected\\r\\n')
      else if (v.startsWith('RCPT TO:')) s.write('250 2.1.5 Ok\\r\\n')
      else if (v === 'QUIT') { s.end('221 2.0.0 Bye\\r\\n') }
      else s.write('502 5.5.2 Error: command not recognized\\r\\n')
    }
  })
  s.on('error', () => {})
}).listen(Number(port), addr, () => console.log('ready'))
`
  return [process.execPath, '-e', code, address, String(port), banner]
}

/** Resolves when the child prints `word` on stdout. */
export function waitForOutput(child: ChildProcess, word: string, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = ''
    const t = setTimeout(() => reject(new Error(`no '${word}' within ${ms} ms: ${out}`)), ms)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes(word)) (clearTimeout(t), resolve())
    })
    child.once('exit', (code) => (clearTimeout(t), reject(new Error(`exited with ${code} before '${word}': ${out}`))))
  })
}
