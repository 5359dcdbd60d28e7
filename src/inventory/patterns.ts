// Which hosts a pattern names (a play's `hosts:`, --limit). Results keep inventory order.
import { readFileSync } from 'node:fs'
import { OptionsError, type SourcePos } from '../errors.js'
import { isLocalhostName } from './localhost.js'
import { parsePattern, splitPattern, type PatternOrigin, type PatternTerm } from './pattern-syntax.js'
import type { Inventory } from './types.js'

export interface Selection {
  /** Matched hosts in inventory order (an implicit localhost comes last). */
  hosts: string[]
  /** Terms that matched nothing, as written (the caller warns "could not match"). */
  unmatched: string[]
}

/** Hosts named by `pattern`; a bad pattern throws ParseError at `pos` (OptionsError without one). */
export function selectHosts(inv: Inventory, pattern: string | string[], pos?: SourcePos): Selection {
  return evaluate(inv, parsePattern(pattern, { pos }))
}

/**
 * Narrow `hosts` to those --limit names. `@file` reads patterns from a file, one per line
 * (blank lines and # comments skipped), as Ansible's retry files do.
 */
export function applyLimit(inv: Inventory, hosts: string[], limit: string | undefined, onUnmatched?: (unmatched: string[]) => void): string[] {
  if (limit === undefined || limit.trim() === '') return hosts
  const origin: PatternOrigin = { option: '--limit' }
  const patterns = splitPattern(limit).flatMap((p) => (p.startsWith('@') ? readLimitFile(p.slice(1)) : [p]))
  const selected = evaluate(inv, parsePattern(patterns, origin))
  if (selected.unmatched.length && onUnmatched) onUnmatched(selected.unmatched)
  const keep = new Set(selected.hosts)
  return hosts.filter((h) => keep.has(h))
}

function readLimitFile(file: string): string[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    throw new OptionsError(`--limit @${file}: the file cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: 'After @ give a file with one host name or pattern per line, e.g. a retry file.',
      cause: e,
    })
  }
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
}

/** Hosts one term names, in the order found (groups first, as Ansible enumerates). */
function matchTerm(inv: Inventory, term: PatternTerm): string[] {
  const m = term.match
  let found: string[]
  if (m.kind === 'all') found = [...inv.hosts.keys()]
  else if (m.kind === 'name') {
    const group = inv.groups.get(m.name)
    if (group) found = [...group.hosts]
    else if (inv.hosts.has(m.name)) found = [m.name]
    else found = isLocalhostName(m.name) ? [m.name] : []
  } else {
    // Globs and regexes match group names and host names alike.
    found = []
    for (const g of inv.groups.values()) if (m.test(g.name)) found.push(...g.hosts)
    for (const h of inv.hosts.keys()) if (m.test(h)) found.push(h)
  }
  found = [...new Set(found)]
  return term.subscript ? subscript(found, term.subscript) : found
}

function subscript(hosts: string[], s: NonNullable<PatternTerm['subscript']>): string[] {
  if (s.single) {
    const h = hosts.at(s.start)
    return h === undefined ? [] : [h]
  }
  return hosts.slice(s.start, s.end === undefined ? undefined : s.end + 1)
}

function evaluate(inv: Inventory, terms: PatternTerm[]): Selection {
  let chosen = new Set<string>()
  const unmatched: string[] = []
  for (const term of terms) {
    const found = matchTerm(inv, term)
    // An empty inventory matched by `all` is not a misspelling; everything else that finds nothing is.
    if (found.length === 0 && term.match.kind !== 'all') unmatched.push(term.text)
    if (term.op === 'or') found.forEach((h) => chosen.add(h))
    else if (term.op === 'and') {
      const inBoth = new Set(found)
      chosen = new Set([...chosen].filter((h) => inBoth.has(h)))
    } else found.forEach((h) => chosen.delete(h))
  }
  const order = [...inv.hosts.keys()]
  const hosts = order.filter((h) => chosen.has(h))
  for (const h of chosen) if (!inv.hosts.has(h)) hosts.push(h)
  return { hosts, unmatched: [...new Set(unmatched)] }
}
