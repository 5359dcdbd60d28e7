import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadInventory } from '../../src/inventory/load.js'
import { fixture } from './fixtures.js'

const inv = loadInventory(fixture('precedence'))
const vars = (host: string) => inv.hosts.get(host)!.vars

test('a child group beats its parent and the parent beats all', () => {
  assert.equal(vars('h1').level, 'child-inline')
  assert.equal(vars('h1').from_all_inline, 'kept')
})

test('groups at the same depth merge alphabetically, the later name winning', () => {
  assert.equal(vars('h1').same_depth, 'beta')
})

test('ansible_group_priority orders groups at the same depth before their names do', () => {
  assert.equal(vars('h2').prio, 'low')
})

test('an inline host var beats every group var', () => {
  assert.equal(vars('h2').level, 'host-inline')
})

test('a host_vars folder beats the inline host var', () => {
  assert.equal(vars('new').level, 'host-file')
})

test('any group_vars file, even all.yml, beats group vars written in the inventory file', () => {
  assert.equal(vars('h1').file_vs_inline, 'all-file')
})

test('among group_vars files the child group beats the parent', () => {
  assert.equal(vars('h1').level_file, 'child-file')
})

test("a host's groups are listed weakest first, after all", () => {
  assert.deepEqual(inv.hosts.get('h1')!.groups, ['all', 'alpha', 'beta', 'parent', 'child'])
  assert.deepEqual(inv.hosts.get('h2')!.groups, ['all', 'parent', 'zeta', 'low', 'child'])
})
