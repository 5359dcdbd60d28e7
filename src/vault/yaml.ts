// Vault in YAML: a whole file that is one vault, and `key: !vault |` values. Both are decrypted
// as the file is read, and everything they held becomes a secret that output masks.
import { ParseError, type SourcePos } from '../errors.js'
import { decrypt } from './cipher.js'
import { isVaultText } from './envelope.js'
import { currentVault } from './session.js'

export const VAULT_TAG = '!vault'

/** The text of a file, decrypted when the whole file is a vault. */
export function openVaultFile(file: string, text: string): { text: string; sealed: boolean } {
  if (!isVaultText(text)) return { text, sealed: false }
  const at = { file, line: 1, col: 1 }
  const vault = currentVault()
  return { text: decrypt(text, vault.passwords.get(at), at, vault.keys).toString('utf8'), sealed: true }
}

/** Everything in a file that was a whole vault is secret. */
export function rememberSealed(value: unknown): void {
  currentVault().secrets.addAll(value)
}

/** The plain text of one `!vault |` value written at `at`, remembered as a secret. The YAML walk
 * that finds these values is in src/yaml/source.ts (the one importer of `yaml`). */
export function revealVaultValue(value: unknown, at: SourcePos): string {
  if (typeof value !== 'string' || !isVaultText(value)) {
    throw new ParseError(`this ${VAULT_TAG} value is not a tsplay vault`, {
      pos: at,
      hint: 'Paste the whole output of `tsplay vault encrypt_string`, starting at the $TSPLAY_VAULT line, as a `|` block.',
    })
  }
  const vault = currentVault()
  const plain = decrypt(value, vault.passwords.get(at), at, vault.keys).toString('utf8')
  vault.secrets.add(plain)
  return plain
}
