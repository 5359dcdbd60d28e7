// Vault in YAML: a whole file that is one vault, and `key: !vault |` values. Both are decrypted
// as the file is read, and everything they held becomes a secret that output masks.
import { ParseError, type SourcePos } from '../errors.js'
import { ansibleVaultId, decryptAnsibleAny, isAnsibleVault } from './ansible.js'
import { decrypt } from './cipher.js'
import { isVaultText } from './envelope.js'
import { currentVault } from './session.js'

/** tsplay's own vault or Ansible's, decrypted with the run's password. */
function open(text: string, at: SourcePos): Buffer {
  const vault = currentVault()
  if (isAnsibleVault(text)) return decryptAnsibleAny(text, vault.passwords.all(at, ansibleVaultId(text)), at, vault.keys)
  return decrypt(text, vault.passwords.get(at), at, vault.keys)
}

export const VAULT_TAG = '!vault'

/** The text of a file, decrypted when the whole file is a vault. */
export function openVaultFile(file: string, text: string): { text: string; sealed: boolean } {
  if (!isVaultText(text) && !isAnsibleVault(text)) return { text, sealed: false }
  return { text: open(text, { file, line: 1, col: 1 }).toString('utf8'), sealed: true }
}

/** Everything in a file that was a whole vault is secret. */
export function rememberSealed(value: unknown): void {
  currentVault().secrets.addAll(value)
}

/** The plain text of one `!vault |` value written at `at`, remembered as a secret. The YAML walk
 * that finds these values is in src/yaml/source.ts (the one importer of `yaml`). */
export function revealVaultValue(value: unknown, at: SourcePos): string {
  if (typeof value !== 'string' || !(isVaultText(value) || isAnsibleVault(value))) {
    throw new ParseError(`this ${VAULT_TAG} value is not a vault (tsplay's or Ansible's)`, {
      pos: at,
      hint: 'Paste the whole output of `tsplay vault encrypt_string` (or `ansible-vault encrypt_string`), from its $TSPLAY_VAULT (or $ANSIBLE_VAULT) line, as a `|` block.',
    })
  }
  const plain = open(value, at).toString('utf8')
  currentVault().secrets.add(plain)
  return plain
}
