// Where the vault password comes from, first found wins: --vault-password-file (run it when it
// is executable, as Ansible does), --vault-id [label@]source (Ansible's: a file, a script or
// 'prompt'), TSPLAY_VAULT_PASSWORD, a prompt on the terminal. Each asked once.
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
  /** --vault-id values, Ansible's `[label@]source` (source: a file, a script, or `prompt`). */
  ids?: string[]
  env: NodeJS.ProcessEnv
  /** Prompting is allowed (a terminal); tests and CI turn it off. Default: stdin is a TTY. */
  prompt?: boolean
}

export interface PasswordProvider {
  /** The password; `at` is the vault value that needs it, named when none can be had. */
  get(at: SourcePos): Password
  /** For encrypting: a prompt asks twice so a typo does not lock the data away. */
  getNew(): Password
  /** Every password given (Ansible vaults): the one whose vault id is `label` first. */
  all(at: SourcePos, label?: string): Password[]
  /** The label of the first --vault-id, for writing Ansible's 1.2 header. */
  label?: string
}

interface VaultId {
  label: string
  source: string
}

/** Ansible's `label@source`; a bare source has the label 'default'. */
export function parseVaultId(v: string): VaultId {
  const at = v.indexOf('@')
  return at > 0 ? { label: v.slice(0, at), source: v.slice(at + 1) } : { label: 'default', source: v }
}

export const PASSWORD_WAYS = `Give the vault password with --vault-password-file FILE (a file holding it, or an executable that prints it), --vault-id [label@]FILE, the ${PASSWORD_ENV} environment variable, or run on a terminal to be asked.`

export function passwordProvider(o: PasswordOptions): PasswordProvider {
  let got: Password | undefined
  const ids = (o.ids ?? []).map(parseVaultId)
  const byId = new Map<number, Password>()
  const fromId = (i: number): Password => {
    let p = byId.get(i)
    if (!p) {
      const { label, source } = ids[i]!
      if (source === 'prompt') {
        const value = mayPrompt() ? promptHidden(`Vault password (${label}): `) : ''
        if (!value) throw new OptionsError(`--vault-id ${label}@prompt needs a terminal to ask on`, { hint: PASSWORD_WAYS })
        p = { value, source: `the prompt for vault id ${label}` }
      } else p = fromFile(source)
      byId.set(i, p)
    }
    return p
  }
  const fromSources = (): Password | undefined => {
    if (o.file !== undefined) return fromFile(o.file)
    if (ids.length) return fromId(0)
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
    all(at, label) {
      const first = this.get(at)
      const rest = ids.map((_, i) => fromId(i))
      const match = rest.filter((_, i) => ids[i]!.label === label)
      return [...new Set([...match, first, ...rest])]
    },
    label: ids[0]?.label,
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
