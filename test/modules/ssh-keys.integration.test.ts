// authorized_key and known_hosts for real over the local connection (files in a temp folder):
// folders made 0700, keys added once, then removed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { runner, twice } from './real-run.js'

const root = mkdtempSync(join(tmpdir(), 'tsplay-authkey-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
const run = runner()
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHtsplaytestkeyblob tsplay@test'

test('authorized_key adds a key (making its folder 0700), then is ok; absent removes it', async () => {
  const path = join(root, 'ssh', 'authorized_keys')
  const user = userInfo().username
  const read = () => (existsSync(path) ? readFileSync(path, 'utf8') : null)
  await twice(run, read, 'authorized_key', { user, key: KEY, path })
  assert.equal(readFileSync(path, 'utf8'), `${KEY}\n`)
  assert.equal((statSync(join(root, 'ssh')).mode & 0o777).toString(8), '700')
  assert.equal((statSync(path).mode & 0o777).toString(8), '600')
  await twice(run, read, 'authorized_key', { user, key: KEY, path, state: 'absent' })
  assert.equal(readFileSync(path, 'utf8'), '')
})

test('known_hosts adds a host key to a file of its own, then is ok; absent removes only that host', async () => {
  const path = join(root, 'kh', 'known_hosts')
  const read = () => (existsSync(path) ? readFileSync(path, 'utf8') : null)
  await twice(run, read, 'known_hosts', { name: 'mx9.lab', key: 'mx9.lab ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIknownhost', path })
  await twice(run, read, 'known_hosts', { name: 'other.lab', key: 'other.lab ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIother', path })
  await twice(run, read, 'known_hosts', { name: 'mx9.lab', path, state: 'absent' })
  assert.equal(readFileSync(path, 'utf8'), 'other.lab ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIother\n')
})
