// Roles: search path, defaults/vars/params, dependencies once, handlers, argument spec, and the
// reference's when/tags/keywords folded into the role's tasks.
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadPlaybook } from '../../src/playbook/load.js'
import type { Task } from '../../src/playbook/types.js'
import { roleSearchDirs } from '../../src/playbook/role-files.js'
import { GOOD } from './fixtures.js'
import { tempDir } from '../helpers/tmp.js'

const play = loadPlaybook(GOOD + 'roles-play.yml').plays[0]!
const web = play.roles.find((r) => r.name === 'web')!

test('a dependency already listed runs once: common, then web', () => {
  assert.deepEqual(play.roles.map((r) => r.name), ['common', 'web'])
})

test('a role has its folder, defaults, vars, and params from vars: plus extra keys', () => {
  assert.equal(web.dir, GOOD + 'roles/web')
  assert.deepEqual(web.defaults, { port: 80, docroot: '/var/www' })
  assert.deepEqual(web.vars, { web_user: 'www-data' })
  assert.deepEqual(web.params, { docroot: '/srv/www', port: 8080 })
})

test("the reference's when, tags and become reach every role task, imported ones included", () => {
  const [install, extra] = web.tasks as Task[]
  assert.equal(install!.role, web)
  assert.deepEqual(install!.when.map((c) => c.expr), ['web_enabled'])
  assert.deepEqual(install!.tags, ['web'])
  assert.equal(install!.become, true)
  assert.equal(extra!.name, 'extra web task')
  assert.deepEqual(extra!.when.map((c) => c.expr), ['web_enabled', 'extra_enabled'])
  assert.deepEqual(extra!.tags, ['web', 'extra'])
})

test('play-level ignore_errors reaches role tasks, play tasks and handlers', () => {
  assert.equal((web.tasks[0] as Task).ignoreErrors, true)
  assert.equal((play.tasks[0] as Task).ignoreErrors, true)
  assert.equal(web.handlers[0]!.ignoreErrors, true)
})

test("role handlers stay on the role and a notify may use 'role : handler'", () => {
  assert.deepEqual(web.handlers.map((h) => h.name), ['restart web'])
  assert.deepEqual(play.handlers, [])
  assert.deepEqual((play.tasks[0] as Task).notify, ['web : restart web'])
})

test('argument_specs becomes a JSON schema: open at the top, closed for nested options', () => {
  const spec = web.argumentSpec!
  assert.equal(spec.file, GOOD + 'roles/web/meta/argument_specs.yml')
  assert.deepEqual([spec.pos.line, spec.pos.col], [2, 3])
  assert.deepEqual(spec.schema, {
    type: 'object',
    properties: {
      port: { type: 'integer', description: 'Listen port.' },
      docroot: { type: 'string', default: '/var/www' },
      mode: { type: 'string', enum: ['http', 'https'] },
      sites: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false } },
    },
    required: ['port'],
  })
})

test('roles are searched in roles/, ../roles, then TSPLAY_ROLES_PATH', () => {
  assert.deepEqual(roleSearchDirs('/p/books', { TSPLAY_ROLES_PATH: '/a:rel' }), ['/p/books/roles', '/p/roles', '/a', '/p/books/rel'])
})

test('a role found through TSPLAY_ROLES_PATH loads', () => {
  const root = tempDir('tsplay-roles-')
  mkdirSync(join(root, 'shared/mailer/tasks'), { recursive: true })
  writeFileSync(join(root, 'shared/mailer/tasks/main.yaml'), '- command: echo mailer\n')
  writeFileSync(join(root, 'play.yml'), '- hosts: all\n  roles: [mailer]\n')
  const saved = process.env.TSPLAY_ROLES_PATH
  process.env.TSPLAY_ROLES_PATH = join(root, 'shared')
  try {
    const r = loadPlaybook(join(root, 'play.yml')).plays[0]!.roles[0]!
    assert.equal(r.dir, join(root, 'shared/mailer'))
    assert.deepEqual((r.tasks[0] as Task).args, { cmd: 'echo mailer' })
  } finally {
    if (saved === undefined) delete process.env.TSPLAY_ROLES_PATH
    else process.env.TSPLAY_ROLES_PATH = saved
  }
})
