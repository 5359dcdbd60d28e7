// The vault state of one run: how to get the password, keys already derived, secrets met. Held in
// async context so the YAML reader, deep in every loader, finds it without threading an argument
// through each one, and runs in one process (tests) never share a password.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { KeyCache } from './cipher.js'
import { passwordProvider, type PasswordOptions, type PasswordProvider } from './password.js'
import { SecretRegistry } from './secrets.js'

export interface VaultSession {
  passwords: PasswordProvider
  secrets: SecretRegistry
  keys: KeyCache
}

/** The CLI process's secrets: what the error printer in cli.ts masks with. */
export const processSecrets = new SecretRegistry()

const store = new AsyncLocalStorage<VaultSession>()
let fallback: VaultSession | undefined

export function vaultSession(o: Partial<PasswordOptions> & { secrets?: SecretRegistry } = {}): VaultSession {
  return {
    passwords: passwordProvider({ file: o.file, ids: o.ids, env: o.env ?? process.env, prompt: o.prompt }),
    secrets: o.secrets ?? new SecretRegistry(),
    keys: new Map(),
  }
}

/** Run `fn` (and everything it awaits) with `session` as the current vault. */
export function withVault<T>(session: VaultSession, fn: () => T): T {
  return store.run(session, fn)
}

/** The current run's vault; outside any run, one from the environment that feeds processSecrets. */
export function currentVault(): VaultSession {
  return store.getStore() ?? (fallback ??= vaultSession({ secrets: processSecrets }))
}
