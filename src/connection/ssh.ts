// Opening the SSH transport: config, auth, verified host keys, ProxyJump hops; the only file that
// loads ssh2 (ssh-connection.ts uses its types only).
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import ssh2 from 'ssh2'
import type { ServerHostKeyAlgorithm } from 'ssh2'
import { InterruptedError } from '../errors.js'
import type { Connection, ConnectionSpec } from './connection.js'
import { UnreachableError } from './connection.js'
import { planAuth, type Prompt } from './ssh-auth.js'
import { parseJump, resolveSshConfig, type SshHostConfig } from './ssh-config.js'
import { hostKeyProblem, hostToken, knownKeyTypes } from './known-hosts.js'
import { SshConnection } from './ssh-connection.js'

const { Client, utils } = ssh2
type Client = InstanceType<typeof Client>

export interface OpenSshOptions {
  signal?: AbortSignal
  knownHostsFile?: string
  acceptNewHostKeys?: boolean
  prompt?: Prompt
}

const KEEPALIVE_MS = 5000
const HOSTKEY_ALGOS: ServerHostKeyAlgorithm[] = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']

/** Connect, verify the host key, authenticate; the connection is then reused for every command. */
export async function openSsh(spec: ConnectionSpec, opts: OpenSshOptions = {}): Promise<Connection> {
  const cfg = resolveSshConfig({ host: spec.address ?? spec.name, user: spec.user, port: spec.port, configFile: spec.sshConfigFile })
  const knownHostsFile = opts.knownHostsFile ?? spec.knownHostsFile ?? cfg.userKnownHostsFile ?? join(homedir(), '.ssh', 'known_hosts')
  const ctx: HopContext = { spec, opts, knownHostsFile, clients: [] }
  try {
    let sock: Readable | undefined
    const jump = spec.proxyJump ?? cfg.proxyJump
    for (const hop of jump ? jump.split(',') : []) {
      const j = parseJump(hop)
      const hcfg = resolveSshConfig({ host: j.host, user: j.user, port: j.port, configFile: spec.sshConfigFile })
      const via = await connectHop(ctx, hcfg, sock, false)
      sock = await forward(via, cfg.hostName, cfg.port, spec.name)
    }
    const client = await connectHop(ctx, cfg, sock, true)
    return new SshConnection(spec.name, cfg.user, client, ctx.clients)
  } catch (e) {
    for (const c of ctx.clients) c.destroy()
    throw e
  }
}

interface HopContext {
  spec: ConnectionSpec
  opts: OpenSshOptions
  knownHostsFile: string
  clients: Client[]
}

function forward(via: Client, host: string, port: number, name: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
      if (err) reject(new UnreachableError(name, 'refused', `ProxyJump could not reach ${host}:${port}: ${err.message}`, { cause: err }))
      else resolve(stream)
    })
  })
}

/** One ssh2 handshake (direct or over a jump's stream); `target` says whose credentials apply. */
async function connectHop(ctx: HopContext, cfg: SshHostConfig, sock: Readable | undefined, target: boolean): Promise<Client> {
  const { spec, opts } = ctx
  const where = `${cfg.user}@${hostToken(cfg.hostName, cfg.port)}`
  const name = spec.name
  const acceptNew = opts.acceptNewHostKeys ?? spec.acceptNewHostKeys ?? cfg.strictHostKeyChecking === 'accept-new'
  const acceptAny = cfg.strictExplicit && cfg.strictHostKeyChecking === 'no'
  // Prefer key types we already know for this host, as OpenSSH does, so a second key type is not "unknown".
  const known = await knownKeyTypes(ctx.knownHostsFile, cfg.hostName, cfg.port)
  const preferred = HOSTKEY_ALGOS.filter((a) => known.some((t) => t === a || (t === 'ssh-rsa' && a.startsWith('rsa-'))))
  const auth = planAuth({
    username: cfg.user,
    keyFiles: target && spec.privateKeyPath ? [spec.privateKeyPath, ...cfg.identityFiles] : cfg.identityFiles,
    defaultKeys: !cfg.explicitIdentity,
    passphrase: target ? spec.privateKeyPassphrase : undefined,
    password: target ? spec.password : undefined,
    prompt: opts.prompt,
    checkKey: (key, pass) => {
      const k = utils.parseKey(key, pass)
      return k instanceof Error ? k : undefined
    },
  })
  let hostKeyError: string | undefined
  const client = new Client()
  ctx.clients.push(client)
  return new Promise<Client>((resolve, reject) => {
    let done = false
    const fail = (reason: string, message: string, cause?: unknown): void => {
      if (done) return
      done = true
      opts.signal?.removeEventListener('abort', onAbort)
      client.destroy()
      reject(new UnreachableError(name, reason, `ssh ${where}: ${message}`, { cause }))
    }
    const onAbort = (): void => {
      if (done) return
      done = true
      client.destroy()
      reject(new InterruptedError(`ssh ${where}: connection interrupted`))
    }
    if (opts.signal?.aborted) return onAbort()
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    client.once('ready', () => {
      if (done) return
      done = true
      opts.signal?.removeEventListener('abort', onAbort)
      client.setNoDelay(true)
      resolve(client)
    })
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      // An unusable agent is not fatal: ssh2 goes on with the next method.
      if (err.level === 'agent') return
      if (hostKeyError) return fail('hostkey', hostKeyError, err)
      if (err.level === 'client-authentication') {
        const why = auth.notes.length ? ` (${auth.notes.join('; ')})` : ''
        return fail('auth', `authentication failed for user ${cfg.user}: no method was accepted${why}`, err)
      }
      if (err.level === 'client-timeout' || err.code === 'ETIMEDOUT') return fail('timeout', `timed out after ${spec.connectTimeoutMs ?? 10000} ms`, err)
      if (err.code === 'ECONNREFUSED') return fail('refused', 'connection refused', err)
      if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return fail('dns', `cannot resolve ${cfg.hostName}`, err)
      fail('other', err.message, err)
    })
    client.once('close', () => fail('dropped', 'connection closed during the handshake'))
    const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
      hostKeyProblem(ctx.knownHostsFile, cfg.hostName, cfg.port, key, acceptNew || acceptAny).then(
        (problem) => {
          hostKeyError = problem
          verify(problem === undefined)
        },
        (e: Error) => {
          hostKeyError = `cannot check the host key: ${e.message}`
          verify(false)
        },
      )
    }
    client.connect({
      host: sock ? undefined : cfg.hostName,
      port: cfg.port,
      sock,
      username: cfg.user,
      readyTimeout: spec.connectTimeoutMs ?? 10000,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: [...preferred, ...HOSTKEY_ALGOS.filter((a) => !preferred.includes(a))] },
      hostVerifier,
      authHandler: auth.handler as never,
    })
    client.setNoDelay(true)
  })
}

export type { Client }
