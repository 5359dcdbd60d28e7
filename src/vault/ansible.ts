// Ansible Vault's own format, read as Ansible writes it: `$ANSIBLE_VAULT;1.1;AES256` (or 1.2 with a
// vault id) then hex of "salt\nhmac\nciphertext" (each hex); keys from PBKDF2-HMAC-SHA256
// (10000 rounds, 80 bytes: AES key, HMAC key, CTR counter), HMAC-SHA256 over the ciphertext,
// AES-256-CTR with PKCS#7 padding. Written back in this format only where a file already is in it
// (`tsplay vault edit`) or `--format ansible` asks.
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'
import { ParseError, TsplayError, type SourcePos } from '../errors.js'
import type { KeyCache, Password } from './cipher.js'
import { where } from './envelope.js'

export const ANSIBLE_PREFIX = '$ANSIBLE_VAULT;'

export function isAnsibleVault(text: string): boolean {
  return text.trimStart().startsWith(ANSIBLE_PREFIX)
}

interface AnsibleSealed {
  vaultId?: string
  salt: Buffer
  hmac: Buffer
  ciphertext: Buffer
}

function unpackAnsible(text: string, at: SourcePos): AnsibleSealed {
  const [first = '', ...rest] = text.trim().split('\n')
  const bad = (why: string): never => {
    throw new ParseError(`${where(at)}: not a readable Ansible vault: ${why}`, { pos: at, hint: 'Encrypt it again with ansible-vault or tsplay vault.' })
  }
  const fields = first.trim().split(';')
  const [, version, cipher, vaultId] = fields
  if ((version !== '1.1' && version !== '1.2') || cipher !== 'AES256') bad(`the header is '${first.trim().slice(0, 60)}' (tsplay reads 1.1 and 1.2 with AES256)`)
  const hex = (s: string, what: string): Buffer => (/^(?:[0-9a-fA-F]{2})+$/.test(s) ? Buffer.from(s, 'hex') : bad(`the ${what} is not hex`))
  const inner = hex(rest.join('').replace(/\s+/g, ''), 'body').toString('latin1').split('\n')
  if (inner.length !== 3) bad('the body does not hold salt, HMAC and ciphertext')
  return { vaultId, salt: hex(inner[0]!, 'salt'), hmac: hex(inner[1]!, 'HMAC'), ciphertext: hex(inner[2]!, 'ciphertext') }
}

/** The vault id of a 1.2 header ('' for 1.1), without decrypting. */
export function ansibleVaultId(text: string): string {
  return text.trimStart().split('\n', 1)[0]!.trim().split(';')[3] ?? ''
}

/** Ansible's format: 1.1, or 1.2 with the vault id; the body's hex in lines of 80, as ansible-vault writes. */
export function encryptAnsible(plain: Buffer | string, password: string, vaultId = ''): string {
  const salt = randomBytes(32)
  const keys = derive(password, salt)
  const data = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain
  const pad = 16 - (data.length % 16)
  const cipher = createCipheriv('aes-256-ctr', keys.subarray(0, 32), keys.subarray(64, 80))
  const ciphertext = Buffer.concat([cipher.update(Buffer.concat([data, Buffer.alloc(pad, pad)])), cipher.final()])
  const hmac = createHmac('sha256', keys.subarray(32, 64)).update(ciphertext).digest()
  const body = Buffer.from([salt, hmac, ciphertext].map((b) => b.toString('hex')).join('\n'), 'latin1').toString('hex')
  const header = vaultId ? `${ANSIBLE_PREFIX}1.2;AES256;${vaultId}` : `${ANSIBLE_PREFIX}1.1;AES256`
  return `${header}\n${body.match(/.{1,80}/g)!.join('\n')}\n`
}

/** Each password in turn (Ansible tries every vault id's secret); the last refusal when none fits. */
export function decryptAnsibleAny(text: string, passwords: Password[], at: SourcePos, cache?: KeyCache): Buffer {
  return decryptAnsibleWith(text, passwords, at, cache).plain
}

/** decryptAnsibleAny, also telling which password opened it (edit seals with the same one). */
export function decryptAnsibleWith(text: string, passwords: Password[], at: SourcePos, cache?: KeyCache): { plain: Buffer; password: Password } {
  let refused: unknown
  for (const password of passwords) {
    try {
      return { plain: decryptAnsible(text, password, at, cache), password }
    } catch (e) {
      refused = e
    }
  }
  throw refused
}

/** Decrypt Ansible vault text read at `at` with the run's password (any vault id). */
export function decryptAnsible(text: string, password: Password, at: SourcePos, cache?: KeyCache): Buffer {
  const s = unpackAnsible(text, at)
  // Ansible strips whitespace around a password file's content; tsplay only its line break.
  const tries = [...new Set([password.value, password.value.trim()])]
  for (const value of tries) {
    const keys = derive(value, s.salt, cache)
    const mac = createHmac('sha256', keys.subarray(32, 64)).update(s.ciphertext).digest()
    if (mac.length !== s.hmac.length || !timingSafeEqual(mac, s.hmac)) continue
    const decipher = createDecipheriv('aes-256-ctr', keys.subarray(0, 32), keys.subarray(64, 80))
    const padded = Buffer.concat([decipher.update(s.ciphertext), decipher.final()])
    const pad = padded[padded.length - 1] ?? 0
    if (pad < 1 || pad > 16 || pad > padded.length) break
    return padded.subarray(0, padded.length - pad)
  }
  const id = s.vaultId ? ` (vault id '${s.vaultId}')` : ''
  throw new TsplayError(`${where(at)}: wrong vault password for this Ansible vault${id} (it came from ${password.source})`, {
    pos: at,
    hint: 'Give the password it was encrypted with: --vault-password-file FILE (a file, or a script as with ansible-vault), TSPLAY_VAULT_PASSWORD, or the prompt.',
  })
}

function derive(password: string, salt: Buffer, cache?: KeyCache): Buffer {
  const id = `ansible.${salt.toString('hex')}.${createHmac('sha256', 'tsplay').update(password).digest('hex')}`
  let key = cache?.get(id)
  if (!key) {
    key = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, 10000, 80, 'sha256')
    cache?.set(id, key)
  }
  return key
}
