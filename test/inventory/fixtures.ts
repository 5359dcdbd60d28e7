// Paths to test/fixtures/inventory, found from the compiled test file wherever it was built to.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('package.json not found above the test file')
    dir = up
  }
  return dir
}

export function fixture(...parts: string[]): string {
  return join(repoRoot(), 'test', 'fixtures', 'inventory', ...parts)
}
