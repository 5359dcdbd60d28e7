// `tsplay vault edit`: the plaintext lives only in a private temp folder for as long as the
// editor runs, then is encrypted back with the same password and removed.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { TsplayError } from '../errors.js'

/** Open `plain` in the user's editor and return what was saved. `editor` is split on spaces
 * (`code -w` works; quoting inside it does not). */
export function editInEditor(plain: Buffer, name: string, editor: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-vault-'))
  try {
    chmodSync(dir, 0o700)
    // Same base name, so the editor picks the right syntax highlighting.
    const file = join(dir, basename(name))
    writeFileSync(file, plain, { mode: 0o600 })
    const [cmd, ...args] = editor.trim().split(/\s+/)
    const r = spawnSync(cmd!, [...args, file], { stdio: 'inherit' })
    if (r.error) {
      throw new TsplayError(`cannot start the editor '${editor}': ${r.error.message}`, { cause: r.error, hint: 'Set EDITOR to an editor on your PATH, such as EDITOR=nano.' })
    }
    if (r.status !== 0) {
      throw new TsplayError(`the editor '${editor}' exited with ${r.status === null ? `signal ${r.signal}` : `code ${r.status}`}; ${name} was left as it was`, {
        hint: 'Nothing was changed; run the command again.',
      })
    }
    return readFileSync(file)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
