// known_hosts verification as OpenSSH does it: plain and hashed host patterns, [host]:port, @revoked.
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'

export type HostKeyVerdict =
  | { status: 'match' }
  | { status: 'unknown' }
  /** Known with a different key (of this or another type): possibly an attack. */
  | { status: 'changed'; file: string; line: number; knownType: string }
  | { status: 'revoked'; file: string; line: number }

interface Entry {
  line: number
  marker?: string
  hosts: string
  type: string
  key: string
}

/** "SHA256:..." as `ssh-keygen -l` prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')
}

/** The key type named inside an SSH public key blob (first length-prefixed string). */
export function keyType(keyBlob: Buffer): string {
  const n = keyBlob.readUInt32BE(0)
  return keyBlob.subarray(4, 4 + n).toString('latin1')
}

/** How OpenSSH writes a host name in known_hosts: bare for port 22, else [host]:port. */
export function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

async function readEntries(file: string): Promise<Entry[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw e
  }
  const out: Entry[] = []
  text.split('\n').forEach((raw, i) => {
    const words = raw.trim().split(/\s+/)
    if (words[0] === '' || words[0]!.startsWith('#')) return
    const marker = words[0]!.startsWith('@') ? words.shift() : undefined
    const [hosts, type, key] = words
    if (hosts && type && key) out.push({ line: i + 1, marker, hosts, type, key })
  })
  return out
}

function globMatch(pattern: string, s: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${re}$`, 'i').test(s)
}

function hashedMatch(pattern: string, token: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, token))
  const [, , salt, hash] = pattern.split('|')
  if (!salt || !hash) return false
  const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64')
  return mac === hash
}

/** Does a comma-separated host field (patterns, !negations or one hashed name) name this host? */
export function hostsMatch(field: string, token: string): boolean {
  if (field.startsWith('|1|')) return hashedMatch(field, token)
  let hit = false
  for (const p of field.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), token)) return false
    } else if (globMatch(p, token)) hit = true
  }
  return hit
}

/** Key types already recorded for this host, so the client can prefer them (as OpenSSH does). */
export async function knownKeyTypes(file: string, host: string, port: number): Promise<string[]> {
  const token = hostToken(host, port)
  const types = (await readEntries(file)).filter((e) => !e.marker && hostsMatch(e.hosts, token)).map((e) => e.type)
  return [...new Set(types)]
}

/** Check a server's host key blob against a known_hosts file. */
export async function verifyHostKey(file: string, host: string, port: number, keyBlob: Buffer): Promise<HostKeyVerdict> {
  const token = hostToken(host, port)
  const type = keyType(keyBlob)
  const b64 = keyBlob.toString('base64')
  const entries = await readEntries(file)
  // A revoked key is refused whatever host line carries it.
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key === b64)
  if (revoked) return { status: 'revoked', file, line: revoked.line }
  const mine = entries.filter((e) => e.marker === undefined && hostsMatch(e.hosts, token))
  if (mine.some((e) => e.type === type && e.key === b64)) return { status: 'match' }
  const other = mine.find((e) => e.type === type) ?? mine[0]
  if (other) return { status: 'changed', file, line: other.line, knownType: other.type }
  return { status: 'unknown' }
}

/** Record a newly accepted key, hashed like OpenSSH's HashKnownHosts so the file leaks no names. */
export async function appendHostKey(file: string, host: string, port: number, keyBlob: Buffer): Promise<void> {
  const salt = randomBytes(20)
  const mac = createHmac('sha1', salt).update(hostToken(host, port)).digest('base64')
  const line = `|1|${salt.toString('base64')}|${mac} ${keyType(keyBlob)} ${keyBlob.toString('base64')}\n`
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  await appendFile(file, line, { mode: 0o600 })
}

/** undefined when the key may be trusted (recording it if new and accepted); else why to refuse. */
export async function hostKeyProblem(file: string, host: string, port: number, key: Buffer, acceptNew: boolean): Promise<string | undefined> {
  const fp = `${keyType(key)} ${fingerprint(key)}`
  const token = hostToken(host, port)
  const v = await verifyHostKey(file, host, port, key)
  switch (v.status) {
    case 'match':
      return undefined
    case 'unknown':
      if (!acceptNew)
        return `host key for ${token} is not known (${fp}; not in ${file}). Check the fingerprint, then run with --accept-new-host-keys to record it (or set StrictHostKeyChecking accept-new).`
      await appendHostKey(file, host, port, key)
      return undefined
    case 'revoked':
      return `host key for ${token} is REVOKED (${fp}; @revoked in ${v.file} line ${v.line}). Refusing to connect.`
    case 'changed':
      return (
        `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${token}! Someone could be eavesdropping on you right now ` +
        `(man-in-the-middle attack), or the host key was just replaced. Server offered ${fp}; ` +
        `${v.file} line ${v.line} holds a different ${v.knownType} key. If the change is expected, remove the old entry with: ` +
        `ssh-keygen -R '${token}' -f '${v.file}'`
      )
  }
}
