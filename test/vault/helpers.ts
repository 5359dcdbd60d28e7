// Shared by the vault tests: a session with a known password, and `!vault` values to paste in files.
import { encrypt } from '../../src/vault/cipher.js'
import { vaultSession, type VaultSession } from '../../src/vault/session.js'

export const PASSWORD = 'correct horse battery staple'
export const SECRET = 'Sup3r-S3cret-Mailbox-Pw!'

/** A session that reads the password from a fake environment and never prompts. */
export function session(password: string | null = PASSWORD, file?: string): VaultSession {
  return vaultSession({ env: password === null ? {} : { TSPLAY_VAULT_PASSWORD: password }, file, prompt: false })
}

/** `key: !vault |` with the value encrypted under PASSWORD, as encrypt_string prints it. */
export function vaultValue(key: string, value: string, password = PASSWORD, indent = ''): string {
  const body = encrypt(value, password).trimEnd().split('\n').map((l) => `${indent}  ${l}`).join('\n')
  return `${indent}${key}: !vault |\n${body}\n`
}
