// A plain play loads to the shape the executor walks: keywords normalised, positions kept.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadPlaybook } from '../../src/playbook/load.js'
import type { Block, Task } from '../../src/playbook/types.js'
import { GOOD } from './fixtures.js'

const book = loadPlaybook(GOOD + 'site.yml')
const play = book.plays[0]!
const task = (i: number) => play.tasks[i] as Task

test('the playbook path is absolute and the play keeps its folder', () => {
  assert.equal(book.file, GOOD + 'site.yml')
  assert.equal(play.dir, GOOD.replace(/\/$/, ''))
})

test('play keywords are normalised: hosts list joined, yes/no read as booleans, serial as a list', () => {
  assert.equal(play.hosts, 'mx1,mx2')
  assert.equal(play.name, 'Mail servers')
  assert.equal(play.gatherFacts, false)
  assert.equal(play.become, true)
  assert.deepEqual(play.serial, ['30%'])
  assert.equal(play.strategy, 'linear')
})

test('vars_files are read at load, relative to the playbook', () => {
  assert.deepEqual(play.varsFiles, [{ path: GOOD + 'vars/common.yml', vars: { relay_port: 25 } }])
})

test('free-form command text goes to the freeForm key and key=value args are pulled out', () => {
  assert.equal(task(0).module, 'command')
  assert.deepEqual(task(0).args, { cmd: 'ls -l /var/spool', chdir: '/tmp' })
})

test('a multi-line shell script keeps its text and args: is merged in', () => {
  assert.equal(task(1).module, 'shell')
  assert.deepEqual(task(1).args, { cmd: 'postfix reload\necho done\n', chdir: '/etc/postfix' })
})

test('a when list becomes one condition per item, each with its own line', () => {
  assert.deepEqual(
    task(1).when.map((c) => [c.expr, c.pos.line]),
    [['restart | default(false)', 27], ["inventory_hostname != 'mx2'", 28]],
  )
})

test('notify lists, changed_when false, register and tags are carried; play tags come first', () => {
  assert.deepEqual(task(1).notify, ['reload postfix', 'mail changed'])
  assert.deepEqual(task(0).changedWhen?.map((c) => c.expr), [false])
  assert.equal(task(0).register, 'spool')
  assert.deepEqual(task(0).tags, ['mail', 'spool', 'check'])
})

test('loop and loop_control load; with_items is a loop through the items lookup', () => {
  assert.equal(task(2).loop, '{{ users }}')
  assert.deepEqual(task(2).loopControl, { loopVar: 'user', label: '{{ user.name }}' })
  assert.deepEqual(task(3).loop, [['a', 'b'], 'c'])
  assert.equal(task(3).loopWith, 'items')
  assert.deepEqual(task(3).args, { var: 'item' })
})

test('a block keeps its own when and passes its tags to block, rescue and always', () => {
  const b = play.tasks[4] as Block
  assert.equal(b.kind, 'block')
  assert.deepEqual(b.when.map((c) => c.expr), ['do_it'])
  const inner = b.block[0] as Task
  assert.deepEqual(inner.when, [])
  assert.deepEqual(inner.tags, ['mail', 'guarded'])
  assert.deepEqual([inner.retries, inner.delay, inner.until?.expr], [3, 2, 'result.rc == 0'])
  assert.deepEqual((b.rescue[0] as Task).args, { msg: 'failed' })
  assert.deepEqual((b.always[0] as Task).args, { _: 'flush_handlers' })
})

test('every task has pos at its mapping and keyPos at each value', () => {
  const t = task(0)
  assert.deepEqual([t.pos.line, t.pos.col], [15, 7])
  assert.deepEqual([t.keyPos.register!.line, t.keyPos.register!.col], [17, 17])
  assert.equal(t.pos.file, GOOD + 'site.yml')
  assert.deepEqual([play.keyPos.hosts!.line, play.keyPos.hosts!.col], [2, 10])
})

test('handlers keep listen topics and get no play tags', () => {
  assert.deepEqual(play.handlers.map((h) => [h.name, h.listen]), [['reload postfix', []], ['log it', ['mail changed']]])
  assert.deepEqual(play.handlers[0]!.tags, [])
})

test('pre_tasks and post_tasks load; set_fact takes its mapping as args', () => {
  assert.deepEqual((play.preTasks[0] as Task).args, { msg: 'relay is {{ relay }}' })
  assert.deepEqual((play.postTasks[0] as Task).args, { migrated: true })
})
