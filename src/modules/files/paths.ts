// Path and content helpers shared by the file modules: POSIX path math, option-safe path words,
// checksums. Target paths are POSIX whatever the controller runs on, so node:path/posix only.
import { createHash } from 'node:crypto'
import { posix } from 'node:path'

/** A path as a command argument: a leading '-' would be read as an option even after quoting. */
export function argPath(p: string): string {
  return p.startsWith('-') ? `./${p}` : p
}

export function dirOf(p: string): string {
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') : p
  return posix.dirname(trimmed)
}

export function baseOf(p: string): string {
  return posix.basename(p)
}

export function joinPath(dir: string, name: string): string {
  return posix.join(dir, name)
}

export function sha1(content: string | Buffer): string {
  return createHash('sha1').update(content).digest('hex')
}

export function toBuffer(content: string | Buffer): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content
}

/** Text for a diff: binary content is named, not dumped. */
export function diffText(content: string | Buffer | undefined): string {
  if (content === undefined) return ''
  const b = toBuffer(content)
  return b.includes(0) ? '(binary file)\n' : b.toString('utf8')
}

/** Ansible copy/template mean the same when a value is null or left out. */
export function isSet<T>(v: T | null | undefined): v is T {
  return v !== null && v !== undefined
}
