// Ansible `when:` expressions: a table of cases, then the errors and their positions.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TemplateError } from '../../src/errors.js'
import { evalCondition, evaluate } from '../../src/template/index.js'

const pos = { file: 'site.yml', line: 12, col: 13 }
const vars = {
  port: 25,
  name: 'mail01',
  domain: 'example.org',
  flag: true,
  empty: '',
  nothing: null,
  users: [
    { name: 'ann', admin: true },
    { name: 'bob', admin: false },
  ],
  ports: [25, 587],
  cfg: { tls: 'yes', 'odd key': 1 },
  result: { changed: true, failed: false, rc: 0, stdout: 'postfix 3.7.2' },
  skipped_result: { changed: false, skipped: true },
  failed_result: { changed: false, failed: true, rc: 1 },
  hostvars: { old: { ansible_host: '10.0.0.5' } },
  version: '3.10.1',
}

const cases: Array<[string, unknown]> = [
  ['port == 25', true],
  ['port != 25', false],
  ['port < 100', true],
  ['port <= 25', true],
  ['port > 25', false],
  ['port >= 26', false],
  ["name == 'mail01'", true],
  ['"mail01" == name', true],
  ['port == 25 and flag', true],
  ['port == 26 or flag', true],
  ['not flag', false],
  ['not port == 26', true],
  ['not flag and port == 25', false],
  ['not (flag and port == 26)', true],
  ['true', true],
  ['False or None', null],
  ['True and none is none', true],
  ['nothing is none', true],
  ['25 in ports', true],
  ['26 not in ports', true],
  ["'ex' in domain", true],
  ["'tls' in cfg", true],
  ['[1, 2] == [1, 2]', true],
  ["'25' == 25", false],
  ['ports[0]', 25],
  ['ports[-1]', 587],
  ['ports.1', 587],
  ["cfg['tls']", 'yes'],
  ["cfg['odd key']", 1],
  ['users[1].name', 'bob'],
  ["hostvars['old'].ansible_host", '10.0.0.5'],
  ['hostvars.old.ansible_host', '10.0.0.5'],
  ['missing is defined', false],
  ['missing is not defined', true],
  ['cfg.missing is defined', false],
  ['cfg.tls is defined', true],
  ['missing.deeper is undefined', true],
  ['result is changed', true],
  ['result is failed', false],
  ['result is succeeded', true],
  ['result is success', true],
  ['failed_result is failed', true],
  ['skipped_result is skipped', true],
  ['result is not skipped', true],
  ['name is string', true],
  ['port is number', true],
  ['cfg is mapping', true],
  ['ports is sequence', true],
  ['ports is not string', true],
  ["name is match('mail\\d+')", true],
  ["name is match('\\d+')", false],
  ["name is search('\\d+')", true],
  ["version is version('3.9', '>=')", true],
  ["missing | default('x')", 'x'],
  ['missing | default(port)', 25],
  ["empty | default('x')", ''],
  ["empty | default('x', true)", 'x'],
  ["cfg.nope | d('fallback')", 'fallback'],
  ['ports | length', 2],
  ["'42' | int + 1", 43],
  ["'3.5' | float", 3.5],
  ['cfg.tls | bool', true],
  ["'OFF' | bool", false],
  ["'MiXed' | lower", 'mixed'],
  ["'MiXed' | upper", 'MIXED'],
  ["'  pad  ' | trim", 'pad'],
  ['port | string', '25'],
  ["'ab' | list", ['a', 'b']],
  ['ports | first', 25],
  ['ports | last', 587],
  ["ports | join(',')", '25,587'],
  ["result.stdout | regex_search('\\d+\\.\\d+')", '3.7'],
  ["users | selectattr('admin') | map(attribute='name') | list", ['ann']],
  ["['a1', 'b2', 'a3'] | select('match', 'a') | list", ['a1', 'a3']],
  ["['a1', 'b2'] | reject('match', 'a') | list", ['b2']],
  ["'ann' in users | map(attribute='name')", true],
  ["domain.startswith('example')", true],
  ["domain.split('.')", ['example', 'org']],
  ['cfg.keys() | length', 2],
  ["'a' ~ port", 'a25'],
  ['port + 1', 26],
  ['port * 2 - 1', 49],
  ['(port == 25) and (name != "x")', true],
  ["flag ? 'on' : 'off'", 'on'],
  ["lookup('env', 'TSPLAY_TEST_ENV')", 'set-by-test'],
  ['result.rc == 0 and result is not failed', true],
  // Jinja forms beyond `when:` habits: inline if, keyword arguments, slices, calls, sets.
  ["'on' if flag else 'off'", 'on'],
  ["'on' if not flag else 'off'", 'off'],
  ["missing | default('x', boolean=True)", 'x'],
  ["empty | default(true_val, true) if false else 'n'", 'n'],
  ["domain | regex_replace('EXAMPLE', 'ex', ignorecase=True)", 'ex.org'],
  ['ports[:1]', [25]],
  ["name[-2:]", '01'],
  ['range(3) | list', [0, 1, 2]],
  ['range(1, 7, 2) | list', [1, 3, 5]],
  ['[1, 2] | union([2, 3])', [1, 2, 3]],
  ['[1, 2] | intersect([2, 3])', [2]],
  ['[1, 2] | difference([2, 3])', [1]],
  ['[1, 2] is subset([1, 2, 3])', true],
  ['[1, 2, 3] is superset([4])', false],
  ['port | type_debug', 'int'],
  [`'{"a": [1]}' | from_json`, { a: [1] }],
  ['cfg | to_json', '{"tls":"yes","odd key":1}'],
  ["'hi' | b64encode", 'aGk='],
  ['[[1, [2]], 3] | flatten', [1, 2, 3]],
  ["users | map(attribute='name') | join(',')", 'ann,bob'],
  ["users | selectattr('name', 'equalto', 'bob') | map(attribute='admin') | first", false],
  ["dict(a=1)", { a: 1 }],
  ["{'a': 1} | dict2items", [{ key: 'a', value: 1 }]],
  ["[{'key': 'a', 'value': 1}] | items2dict", { a: 1 }],
  ['7 // 2 + 7 % 4 - 2 ** 3', -2],
  ["'%s-%d' % ('a', 3)", 'a-3'],
  ["'ab' * 2", 'abab'],
  ['-port', -25],
  ["query('items', [1, [2]], 3)", [1, [2], 3]],
  ["lookup('items', ['a', 'b'])", 'a,b'],
  ["query('sequence', 'start=1 end=3 format=n%02d')", ['n01', 'n02', 'n03']],
  ["query('dict', {'a': 1})", [{ key: 'a', value: 1 }]],
  ["query('nested', [1, 2], ['x'])", [[1, 'x'], [2, 'x']]],
  ["query('together', [1, 2], ['x'])", [[1, 'x'], [2, null]]],
  ["lookup('vars', 'port')", 25],
  ['port is divisibleby 5', true],
  ["domain is ansible.builtin.search('org')", true],
  ['port | ansible.builtin.string', '25'],
  ["name.startswith(('x', 'mail'))", true],
  ["cfg.get('nope', 3)", 3],
]

describe('evaluate', () => {
  process.env.TSPLAY_TEST_ENV = 'set-by-test'
  for (const [expr, want] of cases) {
    it(`${expr} gives ${JSON.stringify(want)}`, () => {
      assert.deepEqual(evaluate(expr, vars, pos), want)
    })
  }

  it('an undefined variable names the variable and points at pos', () => {
    assert.throws(
      () => evaluate('mising == 1', vars, pos),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.message.startsWith("undefined variable 'mising'") &&
        e.pos === pos,
    )
  })

  it('a missing attribute names the full path and suggests the existing key', () => {
    assert.throws(() => evaluate("users[0].nmae == 'ann'", vars, pos), {
      name: 'TemplateError',
      message: "undefined variable 'users[0].nmae'. Did you mean 'users[0].name'?",
    })
  })

  it('a misspelt top-level variable suggests the closest known one', () => {
    assert.throws(() => evaluate('domian', vars, pos), { message: "undefined variable 'domian'. Did you mean 'domain'?" })
  })

  it('the undefined hint shows the is defined and default forms', () => {
    assert.throws(() => evaluate('zzz', vars, pos), (e: unknown) => {
      const err = e as TemplateError
      return /zzz is defined/.test(err.hint ?? '') && /zzz \| default/.test(err.hint ?? '')
    })
  })

  it('a syntax error quotes the expression and gives a hint', () => {
    assert.throws(
      () => evaluate('port ==', vars, pos),
      (e: unknown) =>
        e instanceof TemplateError && e.message.startsWith("cannot parse expression 'port =='") && !!e.hint && e.pos === pos,
    )
  })

  it('a keyword argument is a name=value inside a call, nowhere else', () => {
    assert.throws(() => evaluate("missing | default(value='x')", vars, pos), /filter 'default' has no argument 'value'/)
  })

  it('a single = is reported with a hint to use ==', () => {
    assert.throws(() => evaluate('port = 25', vars, pos), (e: unknown) => /'=='/.test((e as TemplateError).hint ?? ''))
  })

  it('an unknown filter suggests the closest one', () => {
    assert.throws(() => evaluate('name | lowr', vars, pos), { message: "unknown filter 'lowr'. Did you mean 'lower'?" })
  })

  it('an unknown test is an error naming the test', () => {
    assert.throws(() => evaluate('name is strng', vars, pos), /unknown test 'strng'. Did you mean 'string'\?/)
  })

  it('comparing a string with a number is an error, not a silent false', () => {
    assert.throws(() => evaluate("name < 3", vars, pos), /cannot compare a string with a number/)
  })

  it('is changed on something that is not a task result explains what it expects', () => {
    assert.throws(() => evaluate('name is changed', vars, pos), /expects a registered task result/)
  })

  it('a test called like a function gets a hint with the is form', () => {
    assert.throws(() => evaluate('defined(x)', vars, pos), (e: unknown) => /x is defined/.test((e as TemplateError).hint ?? ''))
  })

  it('or does not evaluate its right side once the left is true', () => {
    assert.equal(evaluate('flag or missing', vars, pos), true)
  })

  it('prototype properties are not reachable from an expression', () => {
    // jexl's lexer refuses `constructor` as a token; either way the user gets a TemplateError.
    assert.throws(() => evaluate('name.constructor', vars, pos), TemplateError)
    assert.throws(() => evaluate("cfg['__proto__']", vars, pos), /undefined variable 'cfg.__proto__'/)
    assert.throws(() => evaluate("cfg['toString']", vars, pos), /undefined variable/)
  })
})

describe('evalCondition', () => {
  const c = (expr: string | boolean) => ({ expr, pos })

  it('all conditions of a list must hold', () => {
    assert.equal(evalCondition([c('port == 25'), c('flag')], vars), true)
    assert.equal(evalCondition([c('port == 25'), c('not flag')], vars), false)
  })

  it('boolean literals pass through', () => {
    assert.equal(evalCondition(c(true), vars), true)
    assert.equal(evalCondition(c(false), vars), false)
  })

  it('stops at the first false condition, so later ones may rely on earlier guards', () => {
    assert.equal(evalCondition([c('missing is defined'), c('missing == 1')], vars), false)
  })

  it('a condition with {{ }} is rendered first, as Ansible tolerates', () => {
    assert.equal(evalCondition(c('{{ port }} == 25'), vars), true)
    assert.equal(evalCondition(c('{{ flag }}'), vars), true)
    assert.equal(evalCondition(c('{{ empty }}'), vars), false)
  })

  it('an error in the second condition points at that condition', () => {
    const second = { expr: 'nope', pos: { file: 'site.yml', line: 20, col: 9 } }
    assert.throws(
      () => evalCondition([c('flag'), second], vars),
      (e: unknown) => e instanceof TemplateError && e.pos === second.pos,
    )
  })

  it('a truthy value counts as Python would: empty lists and strings are false', () => {
    assert.equal(evalCondition(c('[]'), vars), false)
    assert.equal(evalCondition(c('users'), vars), true)
    assert.equal(evalCondition(c('empty'), vars), false)
  })
})
