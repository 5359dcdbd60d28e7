import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ParseError } from '../../src/errors.js'
import { CONNECTION_VAR_NAMES, connectionSpec } from '../../src/inventory/connection-vars.js'
import { proxyFromSshArgs, sshConfigFromSshArgs } from '../../src/inventory/ssh-args.js'

test('a host with no connection vars is reached by ssh at its inventory name', () => {
  assert.deepEqual(connectionSpec('old', {}), { name: 'old', transport: 'ssh', address: 'old' })
})

test('localhost and 127.0.0.1 default to the local transport', () => {
  assert.equal(connectionSpec('localhost', {}).transport, 'local')
  assert.equal(connectionSpec('127.0.0.1', {}).transport, 'local')
  assert.equal(connectionSpec('localhost', { ansible_connection: 'ssh' }).transport, 'ssh')
})

test('every tsplay_* variable fills its ConnectionSpec field', () => {
  const spec = connectionSpec('new', {
    tsplay_connection: 'ssh',
    tsplay_host: '192.0.2.20',
    tsplay_port: 2222,
    tsplay_user: 'deploy',
    tsplay_password: 'pw',
    tsplay_private_key_file: '~/.ssh/id_ed25519',
    tsplay_private_key_passphrase: 'pp',
    tsplay_ssh_config: 'ssh_config',
    tsplay_known_hosts: 'known_hosts',
    tsplay_accept_new_host_keys: true,
    tsplay_proxy_jump: 'bastion',
    tsplay_connect_timeout: 2.5,
    tsplay_become_password: 'sudo',
  })
  assert.deepEqual(spec, {
    name: 'new',
    transport: 'ssh',
    address: '192.0.2.20',
    port: 2222,
    user: 'deploy',
    password: 'pw',
    privateKeyPath: '~/.ssh/id_ed25519',
    privateKeyPassphrase: 'pp',
    sshConfigFile: 'ssh_config',
    knownHostsFile: 'known_hosts',
    acceptNewHostKeys: true,
    proxyJump: 'bastion',
    connectTimeoutMs: 2500,
    becomePassword: 'sudo',
  })
})

test("Ansible's names work as aliases", () => {
  const spec = connectionSpec('old', {
    ansible_connection: 'local',
    ansible_host: '192.0.2.10',
    ansible_port: '22',
    ansible_user: 'root',
    ansible_ssh_pass: 'pw',
    ansible_ssh_private_key_file: 'key',
    ansible_timeout: '10',
    ansible_become_pass: 'sudo',
  })
  assert.deepEqual(spec, {
    name: 'old',
    transport: 'local',
    address: '192.0.2.10',
    port: 22,
    user: 'root',
    password: 'pw',
    privateKeyPath: 'key',
    connectTimeoutMs: 10000,
    becomePassword: 'sudo',
  })
  assert.equal(connectionSpec('old', { ansible_password: 'a' }).password, 'a')
  assert.equal(connectionSpec('old', { ansible_become_password: 'b' }).becomePassword, 'b')
})

test('our name wins when both it and the Ansible alias are set', () => {
  const spec = connectionSpec('old', { ansible_host: 'a', tsplay_host: 'b', ansible_user: 'x', tsplay_user: 'y', ansible_port: 22, tsplay_port: 2200 })
  assert.equal(spec.address, 'b')
  assert.equal(spec.user, 'y')
  assert.equal(spec.port, 2200)
})

test('a jump host and -F are read from ansible_ssh_common_args', () => {
  assert.equal(connectionSpec('old', { ansible_ssh_common_args: '-J admin@bastion:2222' }).proxyJump, 'admin@bastion:2222')
  assert.equal(connectionSpec('old', { ansible_ssh_common_args: '-o ProxyJump=bastion -F cfg' }).sshConfigFile, 'cfg')
  assert.equal(connectionSpec('old', { ansible_ssh_common_args: '-o ProxyJump=bastion', tsplay_proxy_jump: 'mine' }).proxyJump, 'mine')
  assert.equal(connectionSpec('old', { ansible_ssh_common_args: '-o StrictHostKeyChecking=no' }).proxyJump, undefined)
})

test('ProxyCommand "ssh -W %h:%p" is understood as a jump host', () => {
  assert.equal(proxyFromSshArgs(`-o ProxyCommand="ssh -W %h:%p -q -p 2222 admin@bastion"`), 'admin@bastion:2222')
  assert.equal(proxyFromSshArgs(`-o 'ProxyCommand=ssh -l ops -W %h:%p bastion'`), 'ops@bastion')
  assert.equal(proxyFromSshArgs(`-o ProxyCommand="nc -X 5 -x proxy:1080 %h %p"`), undefined)
  assert.equal(sshConfigFromSshArgs('-Fmy_config'), 'my_config')
})

test('booleans accept Ansible spellings', () => {
  assert.equal(connectionSpec('old', { tsplay_accept_new_host_keys: 'yes' }).acceptNewHostKeys, true)
  assert.equal(connectionSpec('old', { tsplay_accept_new_host_keys: 'off' }).acceptNewHostKeys, false)
})

test('wrong types are ParseErrors naming the variable and the host', () => {
  const pos = { file: 'hosts.yml', line: 4, col: 9 }
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ ansible_port: 'ssh' }, /variable ansible_port of host 'old' must be a number from 1 to 65535/],
    [{ tsplay_port: 70000 }, /tsplay_port of host 'old'/],
    [{ tsplay_port: 22.5 }, /tsplay_port of host 'old' must be a whole number/],
    [{ tsplay_connection: 'winrm' }, /tsplay_connection of host 'old' must be 'local' or 'ssh'/],
    [{ ansible_password: 1234 }, /ansible_password of host 'old' must be a string/],
    [{ tsplay_host: ['a'] }, /tsplay_host of host 'old' must be a string/],
    [{ tsplay_accept_new_host_keys: 'maybe' }, /tsplay_accept_new_host_keys of host 'old' must be true or false/],
    [{ ansible_timeout: -1 }, /ansible_timeout of host 'old'/],
  ]
  for (const [vars, message] of cases) {
    assert.throws(() => connectionSpec('old', vars, pos), (e) => e instanceof ParseError && message.test(e.message) && e.pos === pos && e.hint !== undefined, message.source)
  }
})

test('the exported names cover ours and the Ansible aliases', () => {
  for (const name of ['tsplay_host', 'ansible_host', 'ansible_ssh_pass', 'ansible_become_pass', 'tsplay_known_hosts', 'ansible_ssh_common_args']) {
    assert.ok(CONNECTION_VAR_NAMES.has(name), name)
  }
})
