import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTsplayError, OptionsError, ParseError } from '../../src/errors.js'
import { loadInventory } from '../../src/inventory/load.js'
import { fixture } from './fixtures.js'

/** Load a bad inventory and return the ParseError it must throw. */
function parseError(...path: string[]): ParseError {
  try {
    loadInventory(fixture(...path))
  } catch (e) {
    assert.ok(e instanceof ParseError, `expected a ParseError, got ${String(e)}`)
    return e
  }
  assert.fail(`${path.join('/')} loaded without an error`)
}

function at(e: ParseError, file: string, line: number, col: number): void {
  assert.deepEqual(e.pos, { file, line, col })
  assert.ok(e.hint, 'every inventory error carries a hint')
}

test('hosts given as a list says Ansible wants a mapping, at the list', () => {
  const e = parseError('bad', 'hosts-list.yml')
  assert.match(e.message, /'hosts' of group 'mail' must be a mapping of host names, not a list/)
  assert.match(e.hint!, /Ansible's YAML inventory wants a mapping/)
  at(e, fixture('bad', 'hosts-list.yml'), 5, 9)
})

test('a group given as a list of hosts points at the group and shows the hosts: form', () => {
  const e = parseError('bad', 'group-list.yml')
  assert.match(e.message, /group 'mail' must be a mapping/)
  assert.match(e.hint!, /hosts:/)
  at(e, fixture('bad', 'group-list.yml'), 2, 3)
})

test('a host given an address instead of vars suggests ansible_host', () => {
  const e = parseError('bad', 'host-scalar.yml')
  assert.match(e.message, /host 'old' must be a mapping of its variables/)
  assert.match(e.hint!, /ansible_host: 192\.0\.2\.10/)
  at(e, fixture('bad', 'host-scalar.yml'), 3, 10)
})

test('an unknown key in a group is named with a did-you-mean at the key', () => {
  const e = parseError('bad', 'unknown-key.yml')
  assert.match(e.message, /unknown key 'host' in group 'mail'\. Did you mean 'hosts'\?/)
  at(e, fixture('bad', 'unknown-key.yml'), 4, 7)
})

test('children given as a list is refused at the list', () => {
  const e = parseError('bad', 'children-list.yml')
  assert.match(e.message, /'children' of group 'all' must be a mapping of group names, not a list/)
  at(e, fixture('bad', 'children-list.yml'), 3, 5)
})

test('vars given as a list is refused at the list', () => {
  const e = parseError('bad', 'vars-list.yml')
  assert.match(e.message, /'vars' of group 'all' must be a mapping/)
  at(e, fixture('bad', 'vars-list.yml'), 3, 5)
})

test('a playbook passed as inventory is refused at its first line', () => {
  const e = parseError('bad', 'root-list.yml')
  assert.match(e.message, /an inventory must be a mapping of group names, not a list/)
  at(e, fixture('bad', 'root-list.yml'), 1, 1)
})

test('groups that contain each other are refused where the loop closes', () => {
  const e = parseError('bad', 'cycle.yml')
  assert.match(e.message, /groups form a loop: a → b → a/)
  at(e, fixture('bad', 'cycle.yml'), 6, 5)
})

test('all as a child group is refused at the child', () => {
  const e = parseError('bad', 'child-all.yml')
  assert.match(e.message, /lists 'all' as a child/)
  at(e, fixture('bad', 'child-all.yml'), 3, 5)
})

test('a YAML syntax error points at the tab', () => {
  const e = parseError('bad', 'syntax.yml')
  assert.match(e.message, /YAML syntax error/)
  assert.equal(e.pos?.line, 4)
})

test('a backwards host range is refused at the host', () => {
  const e = parseError('bad', 'range.yml')
  assert.match(e.message, /host range 'node\[5:1\]' starts after it ends/)
  at(e, fixture('bad', 'range.yml'), 3, 5)
})

test('a non-numeric ansible_group_priority names the group', () => {
  const e = parseError('bad', 'priority.yml')
  assert.match(e.message, /ansible_group_priority of group 'mail' must be a whole number/)
  at(e, fixture('bad', 'priority.yml'), 3, 5)
})

test('an .ini inventory says only YAML inventories are supported', () => {
  const e = parseError('bad', 'inventory.ini')
  assert.match(e.message, /looks like an INI inventory, which tsplay does not read/)
  assert.match(e.hint!, /only YAML inventories/)
  at(e, fixture('bad', 'inventory.ini'), 1, 1)
})

test('INI content in a .yml file is recognised at its first INI line', () => {
  const e = parseError('bad', 'ini-as-yml.yml')
  assert.match(e.message, /INI inventory/)
  at(e, fixture('bad', 'ini-as-yml.yml'), 2, 1)
})

test('a folder holding only an INI hosts file says only YAML is read', () => {
  const e = parseError('ini-folder')
  assert.match(e.message, /INI inventory/)
  assert.equal(e.pos?.file, fixture('ini-folder', 'hosts'))
})

test('a group_vars file holding a list is refused at the file', () => {
  const e = parseError('bad-vars')
  assert.match(e.message, /must be a mapping of variable names/)
  at(e, fixture('bad-vars', 'group_vars', 'all.yml'), 1, 1)
})

test('an ansible-vault vars file without a vault password says so at the file, with the ways to give one', () => {
  assert.throws(
    () => loadInventory(fixture('vault')),
    (e: unknown) => isTsplayError(e) && /needs a password, and none was given/.test(e.message) &&
      e.pos?.file === fixture('vault', 'group_vars', 'all.yml') && /--vault-password-file/.test(e.hint ?? ''),
  )
})

test('a missing -i path is an options error', () => {
  assert.throws(() => loadInventory(fixture('nope')), (e) => e instanceof OptionsError && /no such file or folder/.test(e.message))
})

test('a folder with two inventory files is an options error naming both', () => {
  assert.throws(() => loadInventory(fixture('two-files')), (e) => e instanceof OptionsError && /hosts\.yml and inventory\.yml/.test(e.message))
})

test('a folder with no inventory file is an options error naming the files looked for', () => {
  assert.throws(() => loadInventory(fixture('site', 'group_vars')), (e) => e instanceof OptionsError && /has no hosts\.yml/.test(e.message))
})
