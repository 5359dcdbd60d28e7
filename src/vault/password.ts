// Where the vault password comes from, first found wins: --vault-password-file (run it when it
// is executable, as Ansible does), TSPLAY_VAULT_PASSWORD, a prompt on the terminal. Asked once.
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { OptionsError, TsplayError, type SourcePos } from '../errors.js'
import type { Password } from './cipher.js'
import { where } from './envelope.js'
import { canPrompt, promptHidden } from './prompt.js'

export const PASSWORD_ENV = 'TSPLAY_VAULT_PASSWORD'

export interface PasswordOptions {
  /** --vault-password-file. */
  file?: string
  env: NodeJS.ProcessEnv
  /** Prompting is allowed (a terminal); tests and CI turn it off. Default: stdin is a TTY. */
  prompt?: boolean
}

export interface PasswordProvider {
  /** The password; `at` is the vault value that needs it, named when none can be had. */
  get(at: SourcePos): Password
  /** For encrypting: a prompt asks twice so a typo does not lock the data away. */
  getNew(): Password
}

export const PASSWORD_WAYS = `Give the vault password with --vault-password-file FILE (a file holding it, or an executable that prints it), the ${PASSWORD_ENV} environment variable, or run on a terminal to be asked.`

export function passwordProvider(o: PasswordOptions): PasswordProvider {
  let got: Password | undefined
  const fromSources = (): Password | undefined => {
    if (o.file !== undefined) return fromFile(o.file)
    const env = o.env[PASSWORD_ENV]
    if (env !== undefined && env !== '') return { value: env, source: PASSWORD_ENV }
    return undefined
  }
  const mayPrompt = () => o.prompt ?? canPrompt()
  return {
    get(at) {
      if (got) return got
      got = fromSources()
      if (!got && mayPrompt()) {
        const value = promptHidden('Vault password: ')
        if (value) got = { value, source: 'the prompt' }
      }
      if (!got) {
        throw new TsplayError(`${where(at)}: a vault-encrypted value needs a password, and none was given`, { pos: at, hint: PASSWORD_WAYS })
      }
      return got
    },
    getNew() {
      if (got) return got
      got = fromSources()
      if (!got && mayPrompt()) {
        const value = promptHidden('New vault password: ')
        if (value && promptHidden('Confirm new vault password: ') !== value) throw new TsplayError('the two passwords typed differ', { hint: 'Run the command again.' })
        if (value) got = { value, source: 'the prompt' }
      }
      if (!got) throw new OptionsError('encrypting needs a vault password, and none was given', { hint: PASSWORD_WAYS })
      return got
    },
  }
}

/** The file's content without its trailing newline, or an executable's output. */
function fromFile(path: string): Password {
  const file = resolve(path)
  const source = `the file ${path}`
  let mode: number
  try {
    const st = statSync(file)
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' })
    mode = st.mode
  } catch (e) {
    throw new OptionsError(`--vault-password-file ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`, { cause: e, hint: 'Give the path of a file holding the vault password.' })
  }
  let text: string
  if (mode & 0o111) {
    try {
      // stdin and stderr stay the user's, so a script may ask on the terminal (a password manager).
      text = execFileSync(file, [], { encoding: 'utf8', stdio: ['inherit', 'pipe', 'inherit'], maxBuffer: 1024 * 1024 })
    } catch (e) {
      const status = (e as { status?: number | null }).status
      throw new TsplayError(`the vault password script ${path} failed${typeof status === 'number' ? ` with exit code ${status}` : ''}`, {
        cause: e,
        hint: 'An executable --vault-password-file is run and its output used as the password; make it exit 0, or remove its execute bit to read it as text.',
      })
    }
  } else text = readFileSync(file, 'utf8')
  const value = text.replace(/[\r\n]+$/, '')
  if (value === '') throw new OptionsError(`the vault password from ${source} is empty`, { hint: 'Put the password on the first line of the file.' })
  return { value, source: mode & 0o111 ? `the script ${path}` : source }
}
