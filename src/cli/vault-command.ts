// `tsplay vault encrypt|decrypt|view|edit|create|rekey FILE` and `tsplay vault encrypt_string VALUE --name KEY`,
// on tsplay's own vault format and on Ansible's ($ANSIBLE_VAULT 1.1/1.2), which edit keeps.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { OptionsError, TsplayError } from '../errors.js'
import { didYouMean } from '../util/suggest.js'
import { ansibleVaultId, decryptAnsibleWith, encryptAnsible, isAnsibleVault } from '../vault/ansible.js'
import { decrypt, encrypt } from '../vault/cipher.js'
import { editInEditor } from '../vault/edit.js'
import { isVaultText } from '../vault/envelope.js'
import { readTarget, replaceFile } from '../vault/files.js'
import { parseVaultId, passwordProvider } from '../vault/password.js'

export interface VaultFlags {
  /** --vault-password-file FILE. */
  vaultPasswordFile?: string
  /** --name KEY, for encrypt_string. */
  name?: string
  /** --vault-id [label@]source, repeatable (Ansible's). */
  vaultId?: string[]
  /** --format tsplay|ansible: what encrypt, create and encrypt_string write. */
  format?: string
  /** rekey: the new password, as --vault-password-file / --vault-id give the current one. */
  newVaultPasswordFile?: string
  newVaultId?: string
}

/** Where the command reads and writes; tests swap these. */
export interface VaultIO {
  out: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
  /** Whether a password may be asked on the terminal (default: stdin is a TTY). */
  prompt?: boolean
  /** Plaintext for encrypt_string when no VALUE is given. */
  readStdin: () => string
}

const ACTIONS = ['encrypt', 'decrypt', 'view', 'edit', 'create', 'rekey', 'encrypt_string'] as const

export async function vaultCommand(action: string, file: string | undefined, opts: VaultFlags, io: VaultIO = processIO()): Promise<number> {
  const passwords = passwordProvider({ file: opts.vaultPasswordFile, ids: opts.vaultId, env: io.env, prompt: io.prompt })
  const format = opts.format ?? 'tsplay'
  if (format !== 'tsplay' && format !== 'ansible') throw new OptionsError(`--format '${format}' is not a vault format`, { hint: "Use --format tsplay (the default) or --format ansible." })
  let opened: string | undefined
  const seal = (plain: Buffer | string, ansible: boolean, label = passwords.label): string => {
    const password = opened ?? passwords.getNew().value
    return ansible ? encryptAnsible(plain, password, label === undefined || label === 'default' ? '' : label) : encrypt(plain, password)
  }
  if (action === 'encrypt-string') action = 'encrypt_string'
  if (!(ACTIONS as readonly string[]).includes(action)) {
    throw new OptionsError(`unknown vault action '${action}'.${didYouMean(action, ACTIONS)}`, { hint: `Use one of: ${ACTIONS.join(', ')}.` })
  }
  if (action === 'encrypt_string') return encryptString(file ?? io.readStdin().replace(/\r?\n$/, ''), opts.name, (v) => seal(v, format === 'ansible'), io)
  if (file === undefined) throw new OptionsError(`tsplay vault ${action} needs a FILE`, { hint: `Run tsplay vault ${action} path/to/file.yml.` })
  if (action === 'create') {
    if (existsSync(file)) throw new TsplayError(`${file} exists, please use 'edit' instead`, { hint: `tsplay vault edit ${file}` })
    const plain = editInEditor(Buffer.alloc(0), file, io.env.EDITOR || io.env.VISUAL || 'vi')
    writeFileSync(file, seal(plain, format === 'ansible'), { mode: 0o600, flag: 'wx' })
    return 0
  }
  const data = readTarget(file)
  const head = data.subarray(0, 64).toString('utf8')
  const ansible = isAnsibleVault(head)
  const sealed = ansible || isVaultText(head)
  const open = () => {
    if (!sealed) throw new TsplayError(`${file} is not encrypted with tsplay vault or ansible-vault`, { hint: `Encrypt it first: tsplay vault encrypt ${file}` })
    const at = { file, line: 1, col: 1 }
    const text = data.toString('utf8')
    if (!ansible) {
      const password = passwords.get(at)
      opened = password.value
      return decrypt(text, password, at)
    }
    const r = decryptAnsibleWith(text, passwords.all(at, ansibleVaultId(text)), at)
    opened = r.password.value
    return r.plain
  }
  switch (action) {
    case 'encrypt':
      if (sealed) throw new TsplayError(`${file} is already encrypted`, { hint: `See it with tsplay vault view ${file}, change it with tsplay vault edit ${file}.` })
      replaceFile(file, seal(data, format === 'ansible'))
      return 0
    case 'decrypt':
      replaceFile(file, open())
      return 0
    case 'view':
      io.out.write(open())
      return 0
    case 'rekey': {
      if (opts.newVaultPasswordFile === undefined && opts.newVaultId === undefined) throw new OptionsError('tsplay vault rekey needs the new password', { hint: 'Give --new-vault-password-file FILE or --new-vault-id [label@]FILE.' })
      const plain = open()
      const fresh = passwordProvider({ file: opts.newVaultPasswordFile, ids: opts.newVaultId === undefined ? [] : [opts.newVaultId], env: {}, prompt: io.prompt }).getNew()
      // The format stays; an Ansible vault keeps its vault id unless --new-vault-id names another.
      const label = opts.newVaultId !== undefined ? parseVaultId(opts.newVaultId).label : ansibleVaultId(data.toString('utf8'))
      const id = label === 'default' ? '' : label
      replaceFile(file, ansible ? encryptAnsible(plain, fresh.value, id) : encrypt(plain, fresh.value))
      return 0
    }
    case 'edit': {
      const plain = open()
      const edited = editInEditor(plain, file, io.env.EDITOR || io.env.VISUAL || 'vi')
      // Unchanged: keep the old ciphertext, so version control shows no change.
      // An Ansible vault stays one (same vault id), so ansible-vault and Ansible still read it.
      if (!edited.equals(plain)) replaceFile(file, seal(edited, ansible, ansible ? ansibleVaultId(data.toString('utf8')) : undefined))
      return 0
    }
  }
  return 0
}

/** A YAML snippet to paste into a vars file: `KEY: !vault |` and the vault indented under it. */
function encryptString(value: string, name: string | undefined, seal: (v: string) => string, io: VaultIO): number {
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new OptionsError(`--name '${name}' is not a variable name`, { hint: 'Use letters, digits and _, not starting with a digit.' })
  }
  const vault = seal(value)
  const body = vault.trimEnd().split('\n').map((l) => `  ${l}`).join('\n')
  io.out.write(`${name === undefined ? '' : `${name}: `}!vault |\n${body}\n`)
  return 0
}

function processIO(): VaultIO {
  return { out: process.stdout, env: process.env, readStdin: () => readFileSync(0, 'utf8') }
}
