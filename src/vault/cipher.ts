// AES-256-GCM with a key stretched from the password by scrypt. GCM's tag makes any change to
// the text fail loudly instead of decrypting to garbage.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto'
import { TsplayError, type SourcePos } from '../errors.js'
import { CHECK_BYTES, IV_BYTES, pack, SALT_BYTES, unpack, VAULT_HEADER, where, type Sealed } from './envelope.js'

/** 2^15 × r=8 costs ~130 ms and 32 MiB: slow for guessing, fine once per value. */
export const DEFAULT_COST = { logN: 15, r: 8, p: 1 }
/** A hostile file must not make us allocate gigabytes: refuse costs beyond these. */
const MAX_COST = { logN: 20, r: 16, p: 4 }
const CHECK_LABEL = 'tsplay vault password check'

/** A password and where it came from, so a wrong one can be traced. */
export interface Password {
  value: string
  /** 'the file FILE', 'TSPLAY_VAULT_PASSWORD', 'the prompt'. */
  source: string
}

/** Derived keys by salt, cost and password digest: a file read twice costs scrypt once. */
export type KeyCache = Map<string, Buffer>

/** Encrypt `plain` under `password`; the result is the vault text (header + base64 lines). */
export function encrypt(plain: Buffer | string, password: string, cost = DEFAULT_COST): string {
  const salt = randomBytes(SALT_BYTES)
  const iv = randomBytes(IV_BYTES)
  const key = derive(password, salt, cost)
  const cipher = createCipheriv('aes-256-gcm', key.subarray(0, 32), iv)
  cipher.setAAD(Buffer.from(VAULT_HEADER))
  const ciphertext = Buffer.concat([cipher.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), cipher.final()])
  return pack({ ...cost, salt, iv, check: checkOf(key), tag: cipher.getAuthTag(), ciphertext })
}

/** Decrypt vault text read at `at`; a wrong password and changed data are told apart. */
export function decrypt(text: string, password: Password, at: SourcePos, cache?: KeyCache): Buffer {
  const s = unpack(text, at)
  if (s.logN < 1 || s.logN > MAX_COST.logN || s.r < 1 || s.r > MAX_COST.r || s.p < 1 || s.p > MAX_COST.p) {
    throw new TsplayError(`${where(at)}: the vault asks for an scrypt cost tsplay refuses (N=2^${s.logN}, r=${s.r}, p=${s.p})`, {
      pos: at,
      hint: 'The text was changed; encrypt it again with tsplay vault.',
    })
  }
  const key = cached(cache, s, password.value)
  if (!timingSafeEqual(checkOf(key), s.check)) {
    throw new TsplayError(`${where(at)}: wrong vault password (it came from ${password.source})`, {
      pos: at,
      hint: 'Give the password this was encrypted with: --vault-password-file FILE, the TSPLAY_VAULT_PASSWORD variable, or the prompt on a terminal.',
    })
  }
  const decipher = createDecipheriv('aes-256-gcm', key.subarray(0, 32), s.iv)
  decipher.setAAD(Buffer.from(VAULT_HEADER))
  decipher.setAuthTag(s.tag)
  try {
    return Buffer.concat([decipher.update(s.ciphertext), decipher.final()])
  } catch (e) {
    // The password was right (the check matched), so the ciphertext or its tag was altered.
    throw new TsplayError(`${where(at)}: the vault data was changed or damaged (its GCM authentication tag does not match)`, {
      pos: at,
      hint: 'Restore the file from version control or a backup; tsplay will not use data that may have been tampered with.',
      cause: e,
    })
  }
}

/** 64 bytes: the AES key, then a key used only to prove the password. */
function derive(password: string, salt: Buffer, cost: { logN: number; r: number; p: number }): Buffer {
  const N = 2 ** cost.logN
  return scryptSync(password.normalize('NFC'), salt, 64, { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 })
}

function cached(cache: KeyCache | undefined, s: Sealed, password: string): Buffer {
  if (!cache) return derive(password, s.salt, s)
  const id = `${s.logN}.${s.r}.${s.p}.${s.salt.toString('hex')}.${createHash('sha256').update(password).digest('hex')}`
  let key = cache.get(id)
  if (!key) cache.set(id, (key = derive(password, s.salt, s)))
  return key
}

function checkOf(key: Buffer): Buffer {
  return createHmac('sha256', key.subarray(32)).update(CHECK_LABEL).digest().subarray(0, CHECK_BYTES)
}
