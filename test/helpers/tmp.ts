// Temporary folders for tests, removed when the test file's process exits (node --test runs each
// file in its own process), so a run leaves nothing in /tmp; scripts/test.sh checks it.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const made: string[] = []
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true })
})

/** A new folder under the system temp folder, named `prefix` + random, removed at exit. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix))
  made.push(d)
  return d
}
