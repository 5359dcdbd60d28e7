import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connectionSpec } from '../../src/inventory/connection-vars.js'
import { loadInventory } from '../../src/inventory/load.js'
import { resolveHost } from '../../src/inventory/localhost.js'
import { selectHosts } from '../../src/inventory/patterns.js'
import { fixture } from './fixtures.js'

const inv = loadInventory(fixture('localhost'))

test('localhost resolves when named although the inventory does not list it', () => {
  assert.deepEqual(selectHosts(inv, 'localhost'), { hosts: ['localhost'], unmatched: [] })
  assert.deepEqual(selectHosts(inv, 'box:127.0.0.1').hosts, ['box', '127.0.0.1'])
  assert.equal(resolveHost(inv, 'localhost')?.name, 'localhost')
})

test('all and * do not match the implicit localhost, as in Ansible', () => {
  assert.deepEqual(selectHosts(inv, 'all').hosts, ['box'])
  assert.deepEqual(selectHosts(inv, '*').hosts, ['box'])
  assert.equal(inv.hosts.has('localhost'), false)
})

test("the implicit localhost gets all's vars and its own host_vars, and runs locally", () => {
  const host = resolveHost(inv, 'localhost')!
  assert.equal(host.vars.site, 'lab')
  assert.equal(host.vars.local_only, 'here')
  assert.deepEqual(host.groups, [])
  // group_vars setting ansible_connection: ssh for all must not send localhost over ssh.
  assert.equal(connectionSpec(host.name, host.vars).transport, 'local')
})

test('other unknown names do not resolve', () => {
  assert.equal(resolveHost(inv, 'nosuch'), undefined)
  assert.deepEqual(selectHosts(inv, 'nosuch').unmatched, ['nosuch'])
})

test('a localhost listed in the inventory is an ordinary host matched by all', () => {
  const listed = loadInventory(fixture('file-inv', 'prod.yml'))
  assert.equal(resolveHost(listed, 'web1')?.name, 'web1')
  assert.equal(resolveHost(loadInventory(undefined), '127.0.0.1')?.name, '127.0.0.1')
})
