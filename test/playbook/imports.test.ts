// Static imports (import_playbook, import_tasks, import_role/include_role) are spliced at load;
// include_tasks stays a task; loadTasksFile and loadVarsFile work on their own.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ParseError } from '../../src/errors.js'
import { loadPlaybook, loadTasksFile, loadVarsFile } from '../../src/playbook/load.js'
import type { Block, Task } from '../../src/playbook/types.js'
import { BAD, GOOD } from './fixtures.js'

const [first, main] = loadPlaybook(GOOD + 'imports.yml').plays
const names = (nodes: Array<Task | Block>) => nodes.map((n) => (n.kind === 'task' ? n.module : 'block'))

test('import_playbook is flattened in place, with its vars and tags on each imported play and task', () => {
  assert.equal(first!.hosts, 'db')
  assert.equal(first!.dir, GOOD + 'sub')
  assert.deepEqual(first!.vars, { from_import: 1 })
  assert.deepEqual(first!.tags, ['imported'])
  assert.deepEqual((first!.tasks[0] as Task).tags, ['imported'])
  assert.equal(main!.name, 'Imports')
})

test('an empty tasks file imports as no tasks', () => {
  assert.deepEqual(names(first!.tasks), ['command'])
})

test("import_tasks splices the file's tasks with the import's when first, its tags and become", () => {
  const [one, block] = main!.tasks as [Task, Block]
  assert.equal(one.name, 'setup one')
  assert.equal(one.pos.file, GOOD + 'tasks/setup.yml')
  assert.deepEqual(one.when.map((c) => c.expr), ['do_setup', 'first_ok'])
  assert.equal(one.when[0]!.pos.file, GOOD + 'imports.yml')
  assert.deepEqual(one.tags, ['setup'])
  assert.equal(one.become, true)
  const two = block.block[0] as Task
  assert.deepEqual(two.when.map((c) => c.expr), ['do_setup'])
  assert.equal(two.become, false, "the task's own become wins")
})

test('include_tasks stays a task with its file untemplated', () => {
  const inc = main!.tasks[2] as Task
  assert.equal(inc.module, 'include_tasks')
  assert.deepEqual(inc.args, { file: 'tasks/{{ which }}.yml' })
  assert.deepEqual(inc.when.map((c) => c.expr), ['later'])
})

test('import_role becomes a block with one inner block per role, dependencies first', () => {
  const b = main!.tasks[3] as Block
  assert.equal(b.name, 'Web bits')
  assert.deepEqual(b.block.map((r) => r.role?.name), ['common', 'web'])
  const extra = (b.block[1] as Block).block[0] as Task
  assert.equal(extra.name, 'extra web task', 'tasks_from picks tasks/extra.yml')
  assert.deepEqual(extra.tags, ['webextra'])
  assert.deepEqual(main!.handlers.map((h) => h.name), ['restart web'], "the role's handlers join the play's")
})

test('include_role with key=value args loads like import_role', () => {
  const b = main!.tasks[4] as Block
  assert.equal(b.block[0]!.role?.name, 'common')
})

test('meta takes its action as args._', () => {
  assert.deepEqual((main!.tasks[5] as Task).args, { _: 'end_host' })
})

test('loadTasksFile folds the caller when/tags and sets the role', () => {
  const from = { file: GOOD + 'imports.yml', line: 12, col: 7 }
  const tasks = loadTasksFile(GOOD + 'tasks/setup.yml', { when: [{ expr: 'x', pos: from }], tags: ['t'], from })
  assert.deepEqual(names(tasks), ['command', 'block'])
  assert.deepEqual(tasks[0]!.when.map((c) => c.expr), ['x', 'first_ok'])
  assert.deepEqual((tasks[1] as Block).block[0]!.tags, ['t'])
  const role = loadPlaybook(GOOD + 'roles-play.yml').plays[0]!.roles[1]!
  const inRole = loadTasksFile(role.dir + '/tasks/extra.yml', { role, when: [], tags: [], from })
  assert.equal(inRole[0]!.role, role)
})

test('loadTasksFile on a missing file fails at the including task', () => {
  const from = { file: GOOD + 'imports.yml', line: 12, col: 7 }
  assert.throws(() => loadTasksFile(GOOD + 'tasks/nope.yml', { when: [], tags: [], from }), (e: unknown) => e instanceof ParseError && e.pos === from)
})

test('loadVarsFile reads a mapping, takes an empty file as no vars, and rejects a list', () => {
  assert.deepEqual(loadVarsFile(GOOD + 'vars/common.yml'), { relay_port: 25 })
  assert.deepEqual(loadVarsFile(GOOD + 'tasks/empty.yml'), {})
  assert.throws(() => loadVarsFile(BAD + 'vars/list.yml'), /a vars file must be a mapping/)
})
