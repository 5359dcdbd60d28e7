// One connection per host for the whole run, opened on first use and closed at the end.
// Concurrent first uses share one opening, so a host never gets two connections.
import type { Connection, ConnectionSpec } from '../connection/connection.js'
import { LocalConnection } from '../connection/local.js'

export interface PoolOptions {
  acceptNewHostKeys: boolean
  sshConfigFile?: string
  signal?: AbortSignal
}

export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>()
  readonly controller: Connection = new LocalConnection('localhost')

  constructor(private readonly opts: PoolOptions) {}

  get(spec: ConnectionSpec): Promise<Connection> {
    // A `connection:`/`remote_user:` keyword can reach one host two ways in a run: one each.
    const key = `${spec.name}\0${spec.transport}\0${spec.user ?? ''}`
    let c = this.open.get(key)
    if (!c) {
      c = this.connect(spec)
      this.open.set(key, c)
      // A failed opening is not cached: the host is marked unreachable by the caller anyway.
      c.catch(() => this.open.delete(key))
    }
    return c
  }

  /** Drop the host's connection (a reboot killed it) and open a new one; a failure is not cached. */
  async reopen(spec: ConnectionSpec): Promise<Connection> {
    const key = `${spec.name}\0${spec.transport}\0${spec.user ?? ''}`
    const old = this.open.get(key)
    this.open.delete(key)
    if (old) void old.then((c) => c.close()).catch(() => undefined)
    return this.get(spec)
  }

  private async connect(spec: ConnectionSpec): Promise<Connection> {
    if (spec.transport === 'local') return new LocalConnection(spec.name)
    // Loaded on the first SSH host: ssh2 and ssh-config cost ~70 ms of start-up a local run never needs.
    const { openSsh } = await import('../connection/ssh.js')
    const acceptNewHostKeys = spec.acceptNewHostKeys || this.opts.acceptNewHostKeys
    return openSsh({ ...spec, sshConfigFile: spec.sshConfigFile ?? this.opts.sshConfigFile, acceptNewHostKeys }, { signal: this.opts.signal, acceptNewHostKeys })
  }

  /** Close every connection that opened; errors while closing are not the run's concern. */
  async closeAll(): Promise<void> {
    const all = [...this.open.values()]
    this.open.clear()
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.close().catch(() => undefined)))
    await this.controller.close().catch(() => undefined)
  }
}
