// Reading and replacing the files `tsplay vault` works on. A replacement is written beside the
// file and renamed over it, so a crash never leaves half a vault (or half a plaintext).
import { randomBytes } from 'node:crypto'
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { TsplayError } from '../errors.js'

/** The file's bytes; a missing or unreadable file is a clean error naming it. */
export function readTarget(file: string): Buffer {
  try {
    return readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`
    throw new TsplayError(`${file} ${why}`, { cause: e, hint: 'Give the path of a file.' })
  }
}

/** Replace `file` with `data`, keeping its permissions. */
export function replaceFile(file: string, data: Buffer | string): void {
  const mode = statSync(file).mode & 0o7777
  const tmp = join(dirname(file), `.${basename(file)}.tsplay-${randomBytes(4).toString('hex')}`)
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' })
    renameSync(tmp, file)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw new TsplayError(`cannot write ${file}: ${(e as Error).message}`, { cause: e, hint: 'Check that its folder is writable.' })
  }
}
