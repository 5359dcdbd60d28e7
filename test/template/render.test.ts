// Handlebars rendering of task values, strings and template files.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TemplateError } from '../../src/errors.js'
import { renderString, renderTemplateFile, renderValue } from '../../src/template/index.js'

const pos = { file: 'site.yml', line: 7, col: 11 }
const vars = {
  users: [
    { name: 'ann', quota: 10 },
    { name: 'bob', quota: 20 },
  ],
  port: 25,
  domain: 'example.org',
  item: { name: 'ann' },
  hostvars: { old: { ansible_host: '10.0.0.5' } },
  empty: '',
  tls: { cert: '/etc/ssl/mail.pem' },
}

function throwsTemplateError(fn: () => unknown, message: RegExp, check?: (e: TemplateError) => boolean): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TemplateError, `expected TemplateError, got ${String(e)}`)
    assert.match(e.message, message)
    return check ? check(e) : true
  })
}

describe('renderValue', () => {
  it('a dict literal right after {{ is a Jinja dict, nested braces included; {{{ }}} stays a triple-stash', () => {
    assert.deepEqual(renderValue("{{ {'a': 1, 'b': {'c': port}} | dict2items | map(attribute='key') | list }}", vars, pos), ['a', 'b'])
    assert.deepEqual(renderValue("{{ {'a': {'b': port}} }}", vars, pos), { a: { b: 25 } })
    assert.equal(renderValue('x {{{ domain }}} y', vars, pos), 'x example.org y')
  })

  it('a lone variable keeps its type, so loop: "{{ users }}" is a list', () => {
    assert.deepEqual(renderValue('{{ users }}', vars, pos), vars.users)
    assert.equal(renderValue('{{port}}', vars, pos), 25)
    assert.equal(renderValue('{{ item.name }}', vars, pos), 'ann')
    assert.equal(renderValue('{{ hostvars.old.ansible_host }}', vars, pos), '10.0.0.5')
  })

  it('Ansible index spellings work in a lone variable', () => {
    assert.equal(renderValue('{{ users.1.name }}', vars, pos), 'bob')
    assert.equal(renderValue('{{ users[0].name }}', vars, pos), 'ann')
    assert.equal(renderValue("{{ hostvars['old'].ansible_host }}", vars, pos), '10.0.0.5')
  })

  it('a lone helper call keeps its result type too', () => {
    assert.equal(renderValue('{{ int "42" }}', vars, pos), 42)
    assert.deepEqual(renderValue('{{ split domain "." }}', vars, pos), ['example', 'org'])
  })

  it('text around a mustache makes a string', () => {
    assert.equal(renderValue('port {{ port }}', vars, pos), 'port 25')
    assert.equal(renderValue(' {{ port }}', vars, pos), ' 25')
  })

  it('walks lists and objects, rendering values and leaving keys alone', () => {
    const out = renderValue({ '{{ key }}': ['{{ port }}', { dest: '/etc/{{ domain }}' }], n: 3, b: null }, vars, pos)
    assert.deepEqual(out, { '{{ key }}': [25, { dest: '/etc/example.org' }], n: 3, b: null })
  })

  it('strings without mustaches come back unchanged', () => {
    assert.equal(renderValue('plain $(rm -rf /) text', vars, pos), 'plain $(rm -rf /) text')
  })

  it('an undefined variable is an error at pos, never an empty string', () => {
    throwsTemplateError(() => renderValue('{{ nope }}', vars, pos), /^undefined variable 'nope'/, (e) => e.pos === pos)
  })

  it('an undefined attribute names the full path and suggests the right key', () => {
    throwsTemplateError(
      () => renderValue('user {{ item.nmae }}', vars, pos),
      /^undefined variable 'item.nmae'. Did you mean 'item.name'\?$/,
    )
    throwsTemplateError(() => renderValue('{{ item.nmae }}', vars, pos), /'item.nmae'. Did you mean 'item.name'/)
  })
})

describe('renderString helpers', () => {
  const cases: Array<[string, string]> = [
    ['{{default nope "fallback"}}', 'fallback'],
    ['{{default domain "fallback"}}', 'example.org'],
    ['{{default empty "x" true}}', 'x'],
    ['{{join (split domain ".") "-"}}', 'example-org'],
    ['{{#if (eq port 25)}}smtp{{/if}}', 'smtp'],
    ['{{#if (ne port 25)}}x{{else}}y{{/if}}', 'y'],
    ['{{#if (and (gt port 1) (lt port 100))}}in{{/if}}', 'in'],
    ['{{#if (or (le port 1) (ge port 25))}}ok{{/if}}', 'ok'],
    ['{{#if (not empty)}}empty{{/if}}', 'empty'],
    ['{{upper (lower "MiX")}}', 'MIX'],
    ['[{{trim "  a  "}}]', '[a]'],
    ['{{indent "a\nb\n\nc" 2}}', 'a\n  b\n\n  c'],
    ['{{indent "a\nb" 2 true}}', '  a\n  b'],
    ['{{to_json tls}}', '{"cert":"/etc/ssl/mail.pem"}'],
    ['{{to_nice_json tls}}', '{\n    "cert": "/etc/ssl/mail.pem"\n}'],
    ['{{to_yaml tls}}', 'cert: /etc/ssl/mail.pem\n'],
    ['{{quote "it\'s $HOME"}}', "'it'\\''s $HOME'"],
    ['{{basename tls.cert}} {{dirname tls.cert}}', 'mail.pem /etc/ssl'],
    ['{{length users}} {{length domain}}', '2 11'],
    ['{{int "7x"}} {{int "x"}}', '7 0'],
    ['{{bool "yes"}} {{bool "no"}}', 'true false'],
    ['{{replace domain "example" "mail"}}', 'mail.org'],
    ['{{regex_replace domain "^(\\w+)\\.(\\w+)$" "\\2.\\1"}}', 'org.example'],
    ['{{b64encode "user:pw"}} {{b64decode "dXNlcjpwdw=="}}', 'dXNlcjpwdw== user:pw'],
    ['{{sha256 "abc"}}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['{{lookup (json "{\\"a\\": 1}") "a"}}', '1'],
    ['{{lookup "env" "TSPLAY_RENDER_ENV"}}', 'from-env'],
  ]
  process.env.TSPLAY_RENDER_ENV = 'from-env'
  for (const [tpl, want] of cases) {
    it(`${tpl} renders ${JSON.stringify(want)}`, () => {
      assert.equal(renderString(tpl, vars, pos), want)
    })
  }

  it('#if on a missing variable is false instead of an error', () => {
    assert.equal(renderString('{{#if nope}}A{{else}}B{{/if}}{{#unless nope}}C{{/unless}}', vars, pos), 'BC')
  })

  it('#each with block params sees outer variables, @index and @last', () => {
    const tpl = '{{#each users as |u|}}{{@index}}:{{u.name}}@{{domain}}{{#unless @last}},{{/unless}}{{/each}}'
    assert.equal(renderString(tpl, vars, pos), '0:ann@example.org,1:bob@example.org')
  })

  it('else if chains like Jinja elif', () => {
    assert.equal(renderString('{{#if nope}}A{{else if port}}B{{else}}C{{/if}}', vars, pos), 'B')
  })

  it('a misspelt field of the loop item is named with the prefix the user wrote', () => {
    throwsTemplateError(
      () => renderString('{{#each users}}{{this.nmae}}{{/each}}', vars, pos),
      /^undefined variable 'this.nmae'. Did you mean 'this.name'\?$/,
    )
  })

  it('#each over a dict gives @key', () => {
    assert.equal(renderString('{{#each tls}}{{@key}}={{this}}{{/each}}', vars, pos), 'cert=/etc/ssl/mail.pem')
  })

  it('#each over a missing variable is an error', () => {
    throwsTemplateError(() => renderString('{{#each nope}}x{{/each}}', vars, pos), /^undefined variable 'nope'/)
  })

  it('a missing variable passed to a helper is an error, except to default', () => {
    throwsTemplateError(() => renderString('{{upper nope}}', vars, pos), /^undefined variable 'nope'/)
  })

  it('lists inside text render as JSON rather than "a,b"', () => {
    assert.equal(renderString('ports: {{ports}}', { ports: [25, 587] }, pos), 'ports: [25,587]')
  })

  it('output is never HTML-escaped', () => {
    assert.equal(renderString('{{v}}', { v: '<a href="x">&</a>' }, pos), '<a href="x">&</a>')
  })

  it('an unknown helper suggests the closest one', () => {
    throwsTemplateError(() => renderString('{{uper domain}}', vars, pos), /^unknown helper 'uper'. Did you mean 'upper'\?$/)
  })
})

describe('Jinja written by mistake in a template file', () => {
  const file = 'main.cf.hbs'
  it('a Jinja filter gets a hint with the Handlebars form', () => {
    throwsTemplateError(
      () => renderTemplateFile("mail {{ x | default('y') }}", vars, file),
      /Jinja expression/,
      (e) => (e.hint ?? '').includes('{{default x "y"}}') && e.pos?.file === file,
    )
  })

  it('a chain of filters becomes nested helpers in the hint', () => {
    throwsTemplateError(
      () => renderTemplateFile("{{ name | default('a') | upper }}", vars, file),
      /Jinja expression/,
      (e) => (e.hint ?? '').includes('{{upper (default name "a")}}'),
    )
  })

  it('{% if %} gets a hint with #if', () => {
    throwsTemplateError(
      () => renderString('{% if tls %}on{% endif %}', vars, pos),
      /Jinja syntax '\{% if tls %\}'/,
      (e) => (e.hint ?? '').includes('{{#if tls}}'),
    )
  })

  it('{% for %} gets a hint with #each and block params', () => {
    throwsTemplateError(
      () => renderString('{% for u in users %}{{ u }}{% endfor %}', vars, pos),
      /Jinja syntax/,
      (e) => (e.hint ?? '').includes('{{#each users as |u|}}'),
    )
  })

  it('an index written x[0] inside text gets the x.[0] form', () => {
    throwsTemplateError(
      () => renderTemplateFile('first: {{ users[0].name }}', vars, file),
      /Jinja expression/,
      (e) => (e.hint ?? '').includes('{{users.[0].name}}'),
    )
  })

  it('an inline if is reported as Jinja rather than as a strange helper', () => {
    throwsTemplateError(
      () => renderTemplateFile("{{ 'a' if tls else 'b' }}", vars, file),
      /unknown helper 'a'$/,
      (e) => (e.hint ?? '').includes('{{#if c}}a{{else}}b{{/if}}'),
    )
  })
})

describe('a {{ }} in a YAML value is a Jinja expression when it parses as one', () => {
  it('filters with arguments, keyword arguments and inline if', () => {
    assert.equal(renderValue("{{ missing | default('y') }}", vars, pos), 'y')
    assert.equal(renderValue("{{ domain | upper if port == 25 else 'no' }}", vars, pos), 'EXAMPLE.ORG')
    assert.deepEqual(renderValue("{{ users | map(attribute='name') | list }}", vars, pos), ['ann', 'bob'])
    assert.equal(renderValue('{{ port * 2 + 1 }}', vars, pos), 51)
    assert.equal(renderValue('{{ users[0].name }}', vars, pos), 'ann')
  })

  it('keeps the type of a lone expression and prints expressions inside text', () => {
    assert.equal(renderValue('{{ users | length > 1 }}', vars, pos), true)
    assert.equal(renderValue("mail.{{ domain | replace('.', '-') }}:{{ port + 562 }}", vars, pos), 'mail.example-org:587')
  })

  it('a helper call that is not an expression still renders with Handlebars, even beside an expression', () => {
    assert.equal(renderValue('{{ join (split "a b" " ") "," }}', vars, pos), 'a,b')
    assert.equal(renderValue('{{ default missing "x" }}', vars, pos), 'x')
    assert.equal(renderValue("{{ upper domain }}/{{ domain | length }}", vars, pos), 'EXAMPLE.ORG/11')
  })

  it('a string with a Handlebars block is Handlebars as a whole', () => {
    assert.equal(renderValue('{{#each users as |u|}}{{u.name}} {{/each}}', vars, pos), 'ann bob ')
  })

  it('a {{ }} that is neither names the expression error and its column', () => {
    throwsTemplateError(
      () => renderValue('a: {{ port + }}', vars, pos),
      /cannot parse expression 'port \+'/,
      (e) => e.pos === pos && (e.hint ?? '').includes('helper call'),
    )
  })

  it('an undefined variable inside an expression names it', () => {
    throwsTemplateError(() => renderValue("{{ nope | upper }}", vars, pos), /^undefined variable 'nope'/)
  })
})

describe('renderTemplateFile', () => {
  it('renders a whole file', () => {
    const text = 'myhostname = mail.{{ domain }}\n{{#each users as |u|}}\n{{u.name}} {{u.quota}}\n{{/each}}\n'
    assert.equal(renderTemplateFile(text, vars, 'main.cf.hbs'), 'myhostname = mail.example.org\nann 10\nbob 20\n')
  })

  it('an undefined variable points at the line and column inside the template file', () => {
    throwsTemplateError(
      () => renderTemplateFile('a\nb = {{ domain }}\n  c = {{ nope }}\n', vars, 'main.cf.hbs'),
      /^undefined variable 'nope'/,
      (e) => e.pos?.file === 'main.cf.hbs' && e.pos.line === 3 && e.pos.col === 7,
    )
  })

  it('a syntax error gives the line in the file', () => {
    throwsTemplateError(
      () => renderTemplateFile('ok\n{{#if x}}\nnever closed\n', vars, 't.hbs'),
      /template syntax error/,
      (e) => e.pos?.file === 't.hbs' && !!e.hint,
    )
  })

  it('a Jinja statement points at its line', () => {
    throwsTemplateError(
      () => renderTemplateFile('a\nb\n{% if x %}c{% endif %}\n', vars, 't.hbs'),
      /Jinja syntax/,
      (e) => e.pos?.line === 3 && e.pos.col === 1,
    )
  })

  it('partials are refused with a hint', () => {
    throwsTemplateError(() => renderTemplateFile('{{> header}}', vars, 't.hbs'), /partials/)
  })
})

describe('hostile values', () => {
  const hostile = [
    '{{ 7 * 7 }}',
    '$(touch /tmp/pwned)',
    '`id`',
    "'; rm -rf / #",
    '{{constructor.constructor "return process"}}',
    '{{#with "x"}}{{/with}}',
    '{% import os %}',
  ]

  for (const v of hostile) {
    it(`the value ${JSON.stringify(v)} is inserted verbatim, never re-rendered`, () => {
      assert.equal(renderString('[{{ v }}]', { v }, pos), `[${v}]`)
      assert.equal(renderValue('{{ v }}', { v }, pos), v)
    })
  }

  it('templates cannot reach prototype properties', () => {
    throwsTemplateError(() => renderString('{{ domain.constructor }}', vars, pos), /undefined variable 'domain.constructor'/)
    assert.equal(renderString('x{{ lookup users "constructor" }}', vars, pos), 'x')
  })
})

describe('performance', () => {
  it('renders a cached template 10,000 times', () => {
    const tpl = 'user {{ item.name }} on {{ domain }}:{{ port }} {{#if port}}smtp{{/if}}'
    let out = ''
    for (let i = 0; i < 10_000; i++) out = renderString(tpl, vars, pos)
    assert.equal(out, 'user ann on example.org:25 smtp')
  })
})
