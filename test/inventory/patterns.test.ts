import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OptionsError, ParseError } from '../../src/errors.js'
import { loadInventory } from '../../src/inventory/load.js'
import { applyLimit, selectHosts } from '../../src/inventory/patterns.js'
import { fixture } from './fixtures.js'

const inv = loadInventory(fixture('patterns'))
const hosts = (pattern: string | string[]) => selectHosts(inv, pattern).hosts
const ALL = ['gateway', 'mx1.a.example.com', 'mx2.a.example.com', 'mx1.b.example.com', 'web1.a.example.com', 'web2.b.example.com', 'node01', 'node02', 'node03', 'db-a', 'db-b']

test('all and * select every inventory host in inventory order', () => {
  assert.deepEqual(hosts('all'), ALL)
  assert.deepEqual(hosts('*'), ALL)
})

test('a group name selects the hosts of its children too', () => {
  assert.deepEqual(hosts('mail'), ['mx1.a.example.com', 'mx2.a.example.com', 'mx1.b.example.com'])
})

test('a host name selects that host', () => {
  assert.deepEqual(hosts('gateway'), ['gateway'])
})

test('a:b and a,b are unions in inventory order without repeats', () => {
  const expected = ['gateway', 'mx1.b.example.com', 'web1.a.example.com', 'web2.b.example.com']
  assert.deepEqual(hosts('web:site_b:gateway'), expected)
  assert.deepEqual(hosts('web,site_b, gateway'), expected)
  assert.deepEqual(hosts(['web', 'site_b:gateway', 'web']), expected)
})

test('a:&b keeps the hosts in both', () => {
  assert.deepEqual(hosts('mail:&site_a_all'), ['mx1.a.example.com', 'mx2.a.example.com'])
})

test('a:!b removes the hosts of b, wherever the exclusion is written', () => {
  assert.deepEqual(hosts('mail:!old'), ['mx1.a.example.com', 'mx1.b.example.com'])
  assert.deepEqual(hosts('!old:mail'), ['mx1.a.example.com', 'mx1.b.example.com'])
})

test('a pattern of only exclusions starts from all', () => {
  assert.deepEqual(hosts('!mail:!web:!ranged'), ['gateway'])
})

test('union, intersection and exclusion combine', () => {
  assert.deepEqual(hosts('mail:web:&site_a_all:!old'), ['mx1.a.example.com', 'web1.a.example.com'])
})

test('globs match host names and group names', () => {
  assert.deepEqual(hosts('web*'), ['web1.a.example.com', 'web2.b.example.com'])
  assert.deepEqual(hosts('*.b.example.com'), ['mx1.b.example.com', 'web2.b.example.com'])
  assert.deepEqual(hosts('site_?'), ['mx1.a.example.com', 'mx2.a.example.com', 'mx1.b.example.com'])
  assert.deepEqual(hosts('node0[!2]'), ['node01', 'node03'])
})

test('~regex matches from the start of the name, as Python re.match does', () => {
  assert.deepEqual(hosts('~mx\\d\\.a'), ['mx1.a.example.com', 'mx2.a.example.com'])
  assert.deepEqual(hosts('~a\\.example'), [])
  assert.deepEqual(hosts('~(web|db)'), ['web1.a.example.com', 'web2.b.example.com', 'db-a', 'db-b'])
})

test('a regex may hold colons when terms are separated by commas', () => {
  assert.deepEqual(hosts('~node0[1-2](?::22)?,gateway'), ['gateway', 'node01', 'node02'])
})

test('subscripts pick hosts by position, ranges include both ends', () => {
  assert.deepEqual(hosts('ranged[0]'), ['node01'])
  assert.deepEqual(hosts('ranged[-1]'), ['db-b'])
  assert.deepEqual(hosts('ranged[1:3]'), ['node02', 'node03', 'db-a'])
  assert.deepEqual(hosts('ranged[3:]'), ['db-a', 'db-b'])
})

test('names that match nothing are reported and the rest still match', () => {
  const sel = selectHosts(inv, 'web:wbe:!nosuch')
  assert.deepEqual(sel.hosts, ['web1.a.example.com', 'web2.b.example.com'])
  assert.deepEqual(sel.unmatched, ['wbe', 'nosuch'])
})

test('all on an empty inventory matches nothing without reporting all as unmatched', () => {
  assert.deepEqual(selectHosts(loadInventory(undefined), 'all'), { hosts: [], unmatched: [] })
})

test('a dangling & or ! is a ParseError at the given position with a hint', () => {
  const pos = { file: 'site.yml', line: 3, col: 10 }
  for (const bad of ['mail:&', 'mail:!', 'mail,&']) {
    assert.throws(
      () => selectHosts(inv, bad, pos),
      (e) => e instanceof ParseError && e.pos === pos && /has nothing after/.test(e.message) && e.hint !== undefined,
      bad,
    )
  }
})

test('an invalid regex is a ParseError at the position, an OptionsError without one', () => {
  const pos = { file: 'site.yml', line: 3, col: 10 }
  assert.throws(() => selectHosts(inv, '~(', pos), (e) => e instanceof ParseError && e.pos === pos && /invalid regular expression/.test(e.message))
  assert.throws(() => selectHosts(inv, '~('), (e) => e instanceof OptionsError && e.hint !== undefined)
})

test('an empty pattern is refused', () => {
  assert.throws(() => selectHosts(inv, ' '), (e) => e instanceof OptionsError && /empty/.test(e.message))
})

test('--limit narrows the selection with the same pattern language, keeping the play order', () => {
  const play = hosts('mail:web')
  assert.deepEqual(applyLimit(inv, play, 'site_a:!old'), ['mx1.a.example.com'])
  assert.deepEqual(applyLimit(inv, play, '*.b.example.com'), ['mx1.b.example.com', 'web2.b.example.com'])
  assert.deepEqual(applyLimit(inv, play, undefined), play)
})

test('--limit @file reads one name per line, skipping blanks and comments', () => {
  const play = hosts('all')
  assert.deepEqual(applyLimit(inv, play, `@${fixture('patterns', 'retry.txt')}`), ['gateway', 'mx1.b.example.com'])
})

test('--limit reports names it could not match', () => {
  let reported: string[] = []
  assert.deepEqual(applyLimit(inv, hosts('all'), 'gateway:gatewya', (u) => (reported = u)), ['gateway'])
  assert.deepEqual(reported, ['gatewya'])
})

test('a bad --limit is an OptionsError that names the option', () => {
  assert.throws(() => applyLimit(inv, ALL, 'mail:&'), (e) => e instanceof OptionsError && /^--limit: /.test(e.message))
  assert.throws(() => applyLimit(inv, ALL, '@/no/such/file'), (e) => e instanceof OptionsError && /--limit @\/no\/such\/file/.test(e.message))
})
