// The vault text format: a header line naming the cipher, then base64 (80 columns) of the
// binary fields below. Text, so encrypted files and `!vault` values diff and paste cleanly.
import { ParseError, type SourcePos } from '../errors.js'

export const VAULT_HEADER = '$TSPLAY_VAULT;1.0;AES256-GCM'
const HEADER_PREFIX = '$TSPLAY_VAULT;'

/** The fields of one encrypted blob. */
export interface Sealed {
  /** scrypt cost: N = 2^logN, block size r, parallelism p. */
  logN: number
  r: number
  p: number
  salt: Buffer
  iv: Buffer
  /** Proves the password before decrypting, so a wrong password and damaged data read differently. */
  check: Buffer
  tag: Buffer
  ciphertext: Buffer
}

export const SALT_BYTES = 16
export const IV_BYTES = 12
export const CHECK_BYTES = 8
export const TAG_BYTES = 16
const FIXED = 3 + SALT_BYTES + IV_BYTES + CHECK_BYTES + TAG_BYTES

/** Whether `text` is a tsplay vault (a whole encrypted file or a `!vault` value). */
export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(HEADER_PREFIX)
}

export function pack(s: Sealed): string {
  const bin = Buffer.concat([Buffer.from([s.logN, s.r, s.p]), s.salt, s.iv, s.check, s.tag, s.ciphertext])
  const b64 = bin.toString('base64')
  const lines = b64.match(/.{1,80}/g) ?? []
  return `${VAULT_HEADER}\n${lines.join('\n')}\n`
}

/** Parse the text back into fields; `at` is where it was read, for the error. */
export function unpack(text: string, at: SourcePos): Sealed {
  const [first = '', ...rest] = text.trim().split('\n')
  const header = first.trim()
  const bad = (why: string, hint: string): never => {
    throw new ParseError(`${where(at)}: not a readable tsplay vault: ${why}`, { pos: at, hint })
  }
  if (header !== VAULT_HEADER) {
    bad(`the header is '${header.slice(0, 60)}'`, header.startsWith(HEADER_PREFIX) ? `This tsplay reads ${VAULT_HEADER} only; it was written by another version.` : `A vault starts with the line ${VAULT_HEADER}.`)
  }
  const body = rest.join('').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) bad('the body is not base64', 'The text was changed or cut when copied; encrypt the value again.')
  const bin = Buffer.from(body, 'base64')
  if (bin.length < FIXED) bad('it is too short', 'The text was cut when copied; encrypt the value again.')
  let o = 3
  const take = (n: number): Buffer => bin.subarray(o, (o += n))
  return {
    logN: bin[0]!,
    r: bin[1]!,
    p: bin[2]!,
    salt: take(SALT_BYTES),
    iv: take(IV_BYTES),
    check: take(CHECK_BYTES),
    tag: take(TAG_BYTES),
    ciphertext: bin.subarray(o),
  }
}

/** `file:line` of a value, or just the file for a whole encrypted file. */
export function where(at: SourcePos): string {
  return at.line > 1 || at.col > 1 ? `${at.file}:${at.line}` : at.file
}
