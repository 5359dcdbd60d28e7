// Shell-style globs for host patterns (`web*`, `*.example.com`, `db?`). The only picomatch import.
import { createRequire } from 'node:module'

// Loaded on the first glob pattern (~10 ms of start-up that plain host names never need); CommonJS,
// so a synchronous require keeps pattern parsing synchronous.
type Picomatch = typeof import('picomatch')
let picomatchLib: Picomatch | undefined
const loadPicomatch = (): Picomatch => (picomatchLib ??= createRequire(import.meta.url)('picomatch') as Picomatch)

/** A matcher for one glob; like Ansible's fnmatch, `*` also matches dots and `[!x]` negates. */
export function globMatcher(glob: string): (name: string) => boolean {
  // picomatch reads `[!x]` as the characters ! and x; fnmatch (and so Ansible) means "not x".
  const m = loadPicomatch()(glob.replace(/\[!/g, '[^'), { dot: true, nonegate: true, noextglob: true, nobrace: true })
  // One argument only: picomatch's second parameter would turn the result into an object.
  return (name) => m(name)
}

export function isGlob(text: string): boolean {
  return /[*?[]/.test(text)
}
