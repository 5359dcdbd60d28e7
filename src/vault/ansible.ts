// Ansible Vault's own format, read as Ansible writes it: `$ANSIBLE_VAULT;1.1;AES256` (or 1.2 with a
// vault id) then hex of "salt\nhmac\nciphertext" (each hex); keys from PBKDF2-HMAC-SHA256
// (10000 rounds, 80 bytes: AES key, HMAC key, CTR counter), HMAC-SHA256 over the ciphertext,
// AES-256-CTR with PKCS#7 padding. Decrypt only: tsplay writes its own format.
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto'
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
