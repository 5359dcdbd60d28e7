// The order OpenSSH users expect: agent, key files, password, keyboard-interactive; secrets never logged.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'

export type Prompt = (question: string, secret: boolean) => Promise<string>

/** Attempts in the shape ssh2's authHandler takes (kept structural so ssh2 stays in ssh.ts). */
export type AuthAttempt =
  | { type: 'agent'; username: string; agent: string }
  | { type: 'publickey'; username: string; key: Buffer; passphrase?: string }
  | { type: 'password'; username: string; password: string }
  | {
      type: 'keyboard-interactive'
      username: string
      prompt(name: string, instructions: string, lang: string, prompts: Array<{ prompt: string; echo?: boolean }>, finish: (answers: string[]) => void): void
    }

export interface AuthInputs {
  username: string
  /** Explicit key (inventory), then ssh_config IdentityFiles. */
  keyFiles: string[]
  /** Also try ~/.ssh/id_{ed25519,ecdsa,rsa} (OpenSSH does when no IdentityFile is configured). */
  defaultKeys: boolean
  passphrase?: string
  password?: string
  prompt?: Prompt
  /** Parses a private key (ssh2's parser, injected): an Error when it cannot be used as given. */
  checkKey(key: Buffer, passphrase?: string): Error | undefined
}

export interface AuthPlan {
  handler(authsLeft: string[] | null, partial: boolean | null, next: (a: AuthAttempt | false) => void): void
  /** Why methods were skipped (no secrets), to explain an auth failure. */
  notes: string[]
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa']

/** Build the middleware that offers each method in turn, only the ones the server still allows. */
export function planAuth(inp: AuthInputs): AuthPlan {
  const notes: string[] = []
  const files = [...inp.keyFiles]
  if (inp.defaultKeys) files.push(...DEFAULT_KEYS.map((k) => join(homedir(), '.ssh', k)).filter((f) => existsSync(f)))
  const steps: Array<() => Promise<AuthAttempt | undefined>> = []
  const agent = process.env['SSH_AUTH_SOCK']
  if (agent && existsSync(agent)) steps.push(async () => ({ type: 'agent', username: inp.username, agent }))
  for (const file of [...new Set(files)]) steps.push(() => loadKey(file, inp, notes))
  if (inp.password !== undefined) steps.push(async () => ({ type: 'password', username: inp.username, password: inp.password! }))
  if (inp.password !== undefined || inp.prompt) steps.push(async () => keyboardInteractive(inp))

  const kind = (a: AuthAttempt): string => (a.type === 'agent' ? 'publickey' : a.type)
  const handler: AuthPlan['handler'] = (authsLeft, _partial, next) => {
    const tryNext = async (): Promise<void> => {
      for (;;) {
        const step = steps.shift()
        if (!step) return next(false)
        const a = await step()
        if (a && (authsLeft === null || authsLeft.includes(kind(a)))) return next(a)
      }
    }
    tryNext().catch(() => next(false))
  }
  return { handler, notes }
}

async function loadKey(file: string, inp: AuthInputs, notes: string[]): Promise<AuthAttempt | undefined> {
  let key: Buffer
  try {
    key = await readFile(file)
  } catch (e) {
    notes.push(`cannot read key ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
    return undefined
  }
  const plain = inp.checkKey(key)
  if (!plain) return { type: 'publickey', username: inp.username, key }
  if (!/encrypt|passphrase/i.test(plain.message)) {
    notes.push(`key ${file} is not usable: ${plain.message}`)
    return undefined
  }
  const passphrase = inp.passphrase ?? (inp.prompt ? await inp.prompt(`Enter passphrase for key '${file}': `, true) : undefined)
  if (passphrase === undefined) {
    notes.push(`key ${file} is encrypted and no passphrase was given`)
    return undefined
  }
  if (inp.checkKey(key, passphrase)) {
    notes.push(`key ${file}: wrong passphrase`)
    return undefined
  }
  return { type: 'publickey', username: inp.username, key, passphrase }
}

function keyboardInteractive(inp: AuthInputs): AuthAttempt {
  let passwordUses = 0
  return {
    type: 'keyboard-interactive',
    username: inp.username,
    prompt(_name, _instructions, _lang, prompts, finish) {
      const answer = async (p: { prompt: string; echo?: boolean }): Promise<string> => {
        // The password answers a password question once; a repeat means it was wrong, so ask a human.
        if (/password/i.test(p.prompt) && inp.password !== undefined && passwordUses++ === 0) return inp.password
        return inp.prompt ? inp.prompt(p.prompt, p.echo !== true) : ''
      }
      ;(async () => {
        const answers: string[] = []
        for (const p of prompts) answers.push(await answer(p))
        finish(answers)
      })().catch(() => finish([]))
    },
  }
}
