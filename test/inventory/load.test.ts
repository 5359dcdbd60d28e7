import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SourcePos } from '../../src/errors.js'
import { loadInventory } from '../../src/inventory/load.js'
import { fixture } from './fixtures.js'

test('a folder inventory reads hosts.yml with hosts in the order written', () => {
  const inv = loadInventory(fixture('site'))
  assert.deepEqual([...inv.hosts.keys()], ['old', 'new', 'nagios'])
  assert.equal(inv.source, fixture('site'))
})

test('groups list every host below them and hosts list their groups with all first', () => {
  const inv = loadInventory(fixture('site'))
  assert.deepEqual(inv.groups.get('all')?.hosts, ['old', 'new', 'nagios'])
  assert.deepEqual(inv.groups.get('mail')?.hosts, ['old', 'new'])
  assert.deepEqual(inv.groups.get('all')?.children, ['ungrouped', 'mail', 'monitoring'])
  assert.deepEqual(inv.hosts.get('old')?.groups, ['all', 'mail'])
})

test('a host records the line where it was declared', () => {
  const inv = loadInventory(fixture('site'))
  assert.deepEqual(inv.hosts.get('new')?.pos, { file: fixture('site', 'hosts.yml'), line: 11, col: 9 })
})

test('group_vars files and a group_vars folder merge in sorted file order', () => {
  const old = loadInventory(fixture('site')).hosts.get('old')!
  assert.equal(old.vars.ntp_server, 'ntp.example.org')
  assert.equal(old.vars.postfix_version, '3.7')
  assert.equal(old.vars.mailbox_format, 'mdbox')
})

test('host_vars beat inline group vars and inline host vars stay', () => {
  const inv = loadInventory(fixture('site'))
  assert.equal(inv.hosts.get('old')?.vars.mail_role, 'source')
  assert.equal(inv.hosts.get('new')?.vars.mail_role, 'unset')
  assert.equal(inv.hosts.get('old')?.vars.tsplay_host, '192.0.2.10')
  assert.equal(inv.hosts.get('nagios')?.vars.tsplay_user, 'deploy')
})

test('group_vars for a group that is not in the inventory warn with a suggestion and are ignored', () => {
  const warnings: Array<{ message: string; pos?: SourcePos }> = []
  const inv = loadInventory(fixture('site'), { warn: (message, pos) => warnings.push({ message, pos }) })
  assert.equal(warnings.length, 1)
  assert.match(warnings[0]!.message, /no group 'mial'.*Did you mean 'mail'\?/)
  assert.equal(warnings[0]!.pos?.file, fixture('site', 'group_vars', 'mial.yml'))
  assert.equal(inv.hosts.get('old')?.vars.typo, undefined)
})

test('a file inventory reads group_vars beside the file and makes top-level groups children of all', () => {
  const inv = loadInventory(fixture('file-inv', 'prod.yml'))
  assert.deepEqual([...inv.hosts.keys()], ['web1', 'web2', 'db1'])
  assert.deepEqual(inv.groups.get('all')?.children, ['ungrouped', 'web', 'db'])
  assert.equal(inv.hosts.get('web1')?.vars.http_port, 80)
  // The inline host var is beaten by nothing: host vars outrank group_vars files.
  assert.equal(inv.hosts.get('web2')?.vars.http_port, 8080)
})

test('hosts directly under all and in no group are in ungrouped', () => {
  const inv = loadInventory(fixture('patterns', 'hosts.yml'))
  assert.deepEqual(inv.groups.get('ungrouped')?.hosts, ['gateway'])
  assert.deepEqual(inv.hosts.get('gateway')?.groups, ['all', 'ungrouped'])
})

test('host ranges expand with zero padding and letters', () => {
  const inv = loadInventory(fixture('patterns', 'hosts.yml'))
  assert.deepEqual(inv.groups.get('ranged')?.hosts, ['node01', 'node02', 'node03', 'db-a', 'db-b'])
})

test('no -i gives an empty inventory with the all and ungrouped groups', () => {
  const inv = loadInventory(undefined)
  assert.equal(inv.source, '')
  assert.equal(inv.hosts.size, 0)
  assert.deepEqual([...inv.groups.keys()], ['all', 'ungrouped'])
})
