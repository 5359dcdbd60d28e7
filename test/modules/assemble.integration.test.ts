// assemble for real over the local connection: fragments in name order, Ansible's line breaks
// and delimiter, regexp and hidden filters, then ok on a rerun; --check writes nothing.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runner, twice } from './real-run.js'

const root = mkdtempSync(join(tmpdir(), 'tsplay-assemble-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
const run = runner()

test('assemble joins fragments in name order with the delimiter, adding the missing line breaks', async () => {
  const src = join(root, 'frags')
  mkdirSync(src)
  writeFileSync(join(src, '20-b'), 'b\n')
  writeFileSync(join(src, '10-a'), 'a')
  writeFileSync(join(src, '.hidden'), 'h\n')
  writeFileSync(join(src, '30-skip.bak'), 'x\n')
  const dest = join(root, 'out.conf')
  const snapshot = () => (existsSync(dest) ? readFileSync(dest, 'utf8') : null)
  await twice(run, snapshot, 'assemble', { src, dest, delimiter: '### next', regexp: '^\\d+-[a-z]$', ignore_hidden: true, mode: '0640' })
  assert.equal(readFileSync(dest, 'utf8'), 'a\n### next\nb\n')
})

test('assemble of a missing folder fails naming it', async () => {
  const r = await run('assemble', { src: join(root, 'nope'), dest: join(root, 'x') })
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /is not a directory/)
})
