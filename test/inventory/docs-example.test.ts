import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connectionSpec } from '../../src/inventory/connection-vars.js'
import { loadInventory } from '../../src/inventory/load.js'
import { selectHosts } from '../../src/inventory/patterns.js'
import { fixture } from './fixtures.js'

test('the example hosts.yml in docs/inventory.md loads and targets old and new through mail', () => {
  const doc = readFileSync(join(fixture(), '..', '..', '..', 'docs', 'inventory.md'), 'utf8')
  const example = /## Example[^\n]*\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1]
  assert.ok(example, 'docs/inventory.md has a yaml block under "## Example"')
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-inv-'))
  try {
    writeFileSync(join(dir, 'hosts.yml'), example)
    const inv = loadInventory(dir)
    assert.deepEqual(selectHosts(inv, 'mail').hosts, ['old', 'new'])
    const old = inv.hosts.get('old')!
    assert.deepEqual(connectionSpec(old.name, old.vars), { name: 'old', transport: 'ssh', address: '192.0.2.10', user: 'root', knownHostsFile: 'known_hosts' })
  } finally {
    rmSync(dir, { recursive: true })
  }
})
