// Every bad playbook in test/fixtures/playbooks/bad fails with a ParseError at the user's node.
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { relative } from 'node:path'
import { test } from 'node:test'
import { ParseError } from '../../src/errors.js'
import { loadPlaybook } from '../../src/playbook/load.js'
import { LoadProblems } from '../../src/playbook/problems.js'
import { BAD } from './fixtures.js'

/** [playbook, where the error points (file relative to bad/:line:col), part of the message] */
const CASES: Array<[string, string, string]> = [
  ['tabs.yml', 'tabs.yml:3:1', 'Tabs are not allowed as indentation'],
  ['bad-indent.yml', 'bad-indent.yml:5:1', 'YAML syntax error'],
  ['duplicate-key.yml', 'duplicate-key.yml:5:7', 'Map keys must be unique'],
  ['unclosed-quote.yml', 'unclosed-quote.yml:4:14', 'Missing closing "quote'],
  ['empty-playbook.yml', 'empty-playbook.yml:1:1', 'the playbook is empty'],
  ['not-a-list.yml', 'not-a-list.yml:1:1', 'a playbook must be a list of plays'],
  ['play-not-mapping.yml', 'play-not-mapping.yml:3:3', 'a play must be a mapping'],
  ['no-hosts.yml', 'no-hosts.yml:1:3', "missing required key 'hosts'"],
  ['unknown-play-key.yml', 'unknown-play-key.yml:2:3', "unknown key 'taks'. Did you mean 'tasks'?"],
  ['unsupported-play-keyword.yml', 'unsupported-play-keyword.yml:2:3', "'order' is an Ansible play keyword tsplay does not support"],
  ['bad-strategy.yml', 'bad-strategy.yml:2:13', "'strategy' must be one of"],
  ['bad-serial.yml', 'bad-serial.yml:2:15', "serial 'lots' must be a positive number"],
  ['gather-facts-type.yml', 'gather-facts-type.yml:2:17', "'gather_facts' must be boolean"],
  ['tasks-not-list.yml', 'tasks-not-list.yml:3:5', "'tasks' must be a list of tasks"],
  ['task-not-mapping.yml', 'task-not-mapping.yml:3:7', 'a task must be a mapping'],
  ['task-keyword-typo.yml', 'task-keyword-typo.yml:5:7', "unknown task keyword 'whn'. Did you mean 'when'?"],
  ['unknown-module.yml', 'unknown-module.yml:4:7', "unknown module 'comand'. Did you mean 'command'?"],
  ['two-modules.yml', 'two-modules.yml:5:7', "two module keys: 'command' (line 4) and 'shell'"],
  ['no-module.yml', 'no-module.yml:3:7', 'task has no module/action'],
  ['unsupported-keyword.yml', 'unsupported-keyword.yml:4:7', "'async' is an Ansible keyword tsplay does not support"],
  ['loop-control-type.yml', 'loop-control-type.yml:5:21', "'loop_control' must be a mapping"],
  ['loop-control-key.yml', 'loop-control-key.yml:6:9', "unknown key 'loopvar'. Did you mean 'loop_var'?"],
  ['loop-and-with-items.yml', 'loop-and-with-items.yml:5:19', "task has both 'loop' and 'with_items'"],
  ['retries-not-number.yml', 'retries-not-number.yml:6:16', "'retries' must be a whole number"],
  ['when-type.yml', 'when-type.yml:4:13', "'when' must be a condition"],
  ['environment-type.yml', 'environment-type.yml:4:20', "'environment' must be a mapping"],
  ['register-bad-name.yml', 'register-bad-name.yml:4:17', "'register' must be a variable name"],
  ['debug-free-form.yml', 'debug-free-form.yml:3:14', "module 'debug' takes no free-form text"],
  ['unknown-arg.yml', 'unknown-arg.yml:5:9', "unknown arg 'chdri' for module 'command'. Did you mean 'chdir'?"],
  ['unknown-arg-in-args.yml', 'unknown-arg-in-args.yml:6:9', "unknown arg 'chdri' for module 'command'"],
  ['bad-meta.yml', 'bad-meta.yml:3:13', "unknown meta action 'flush_handler'. Did you mean 'flush_handlers'?"],
  ['block-with-module.yml', 'block-with-module.yml:5:7', "a block cannot have a module key ('command')"],
  ['block-with-loop.yml', 'block-with-loop.yml:5:7', "'loop' cannot be used on a block"],
  ['unknown-block-keyword.yml', 'unknown-block-keyword.yml:4:7', "unknown block keyword 'rescu'. Did you mean 'rescue'?"],
  ['rescue-without-block.yml', 'rescue-without-block.yml:4:7', "'rescue' needs a 'block'"],
  ['handler-block.yml', 'handler-block.yml:3:7', 'a handler cannot be a block'],
  ['notify-unknown.yml', 'notify-unknown.yml:6:11', "notify 'reload postfx' matches no handler. Did you mean 'reload postfix'?"],
  ['missing-role.yml', 'missing-role.yml:3:7', "role 'webb' not found"],
  ['import-role-missing.yml', 'import-role-missing.yml:4:9', "role 'nosuchrole' not found"],
  ['role-ref-no-name.yml', 'role-ref-no-name.yml:3:7', "role reference has no 'role' name"],
  ['role-dep-cycle.yml', 'roles/cyc_b/meta/main.yml:2:5', 'role cycle: role cyc_a → role cyc_b → role cyc_a'],
  ['argspec-bad-type.yml', 'roles/badspec/meta/argument_specs.yml:5:15', "unknown argument type 'integer'"],
  ['argspec-bad-key.yml', 'roles/badspeckey/meta/argument_specs.yml:6:9', "unknown key 'requried' in option 'port'. Did you mean 'required'?"],
  ['missing-vars-file.yml', 'missing-vars-file.yml:3:7', 'vars/nope.yml does not exist'],
  ['vars-file-not-mapping.yml', 'vars/list.yml:1:1', 'a vars file must be a mapping'],
  ['missing-import.yml', 'missing-import.yml:3:21', 'tasks/nope.yml does not exist'],
  ['import-tasks-loop.yml', 'import-tasks-loop.yml:4:7', "'loop' cannot be used on a static import_tasks"],
  ['include-tasks-no-file.yml', 'include-tasks-no-file.yml:4:9', "'include_tasks' needs a file"],
  ['circular-import.yml', 'tasks/loop-b.yml:3:17', 'import cycle: loop-a.yml → loop-b.yml → loop-a.yml'],
  ['circular-playbook.yml', 'circular-playbook-b.yml:3:20', 'import_playbook cycle: circular-playbook.yml → circular-playbook-b.yml → circular-playbook.yml'],
  ['import-playbook-extra-key.yml', 'import-playbook-extra-key.yml:2:3', "'hosts' cannot be used with import_playbook"],
  ['five-problems.yml', 'five-problems.yml:2:3', '5 things in this playbook tsplay would not run'],
]

for (const [file, where, message] of CASES) {
  test(`${file} fails at ${where} with "${message}"`, () => {
    assert.throws(
      () => loadPlaybook(BAD + file),
      (e: unknown) => {
        assert.ok(e instanceof ParseError, `expected a ParseError, got ${String(e)}`)
        assert.ok(e.pos, 'the error has a position')
        assert.equal(`${relative(BAD, e.pos.file)}:${e.pos.line}:${e.pos.col}`, where)
        assert.ok(e.message.includes(message), `message was: ${e.message}`)
        assert.ok(e.hint && e.hint.length > 0, 'the error says what to do')
        return true
      },
    )
  })
}

test('every playbook in bad/ is in the table', () => {
  const listed = new Set(CASES.map(([f]) => f))
  // circular-playbook-b.yml is the other half of circular-playbook.yml.
  const files = readdirSync(BAD).filter((f) => f.endsWith('.yml') && f !== 'circular-playbook-b.yml')
  assert.deepEqual(files.filter((f) => !listed.has(f)), [])
})

test('five refusals in one playbook come back as one error naming all five, each with file:line:col', () => {
  assert.throws(
    () => loadPlaybook(BAD + 'five-problems.yml'),
    (e: unknown) => {
      assert.ok(e instanceof LoadProblems, `expected LoadProblems, got ${String(e)}`)
      assert.equal(e.problems.length, 5)
      const f = 'five-problems.yml'
      const where = e.problems.map((p) => `${relative(BAD, p.pos!.file)}:${p.pos!.line}:${p.pos!.col}`)
      assert.deepEqual(where, [`${f}:2:3`, `${f}:4:7`, `${f}:6:7`, `${f}:8:7`, `${f}:11:9`])
      assert.match(e.message, /^5 things in this playbook tsplay would not run:/)
      for (const bit of ["'order'", "unknown module 'comand'", "unknown task keyword 'whn'", "'async'", "unknown arg 'contnt'"]) assert.ok(e.message.includes(bit), bit)
      return true
    },
  )
})
