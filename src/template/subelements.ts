// Ansible's subelements lookup (with_subelements): pairs of (item, one element of the list at the
// dotted key inside it), with its checks and messages; the item comes back without that list.
import { TemplateFault } from './failures.js'
import { isMapping, toText, truthy } from './values.js'

const FLAGS = ['skip_missing']

function termsError(msg = ''): TemplateFault {
  return new TemplateFault(`subelements lookup expects a list of two or three items, ${msg}`)
}

export function subelementsLookup(terms: unknown[], kw: Record<string, unknown>): unknown[] {
  if (terms.length === 2 && Object.keys(kw).length) terms = [...terms, kw]
  if (terms.length < 2 || terms.length > 3) throw termsError()
  // Ansible listifies the first term: a lone value becomes a list of one.
  const first = Array.isArray(terms[0]) || isMapping(terms[0]) ? terms[0] : [terms[0]]
  if (typeof terms[1] !== 'string') throw termsError('first a dict or a list, second a string pointing to the subkey')
  const keys = terms[1].split('.')
  const flags = terms[2] ?? {}
  if (!isMapping(flags) || !Object.keys(flags).every((k) => FLAGS.includes(k))) throw termsError(`the optional third item must be a dict with flags ${JSON.stringify(FLAGS)}`)
  const skipMissing = truthy(flags.skip_missing ?? false)
  let items: unknown[]
  if (isMapping(first)) {
    // A registered result that was skipped as a whole gives nothing.
    if (first.skipped !== undefined && first.skipped !== false) return []
    items = Object.values(first)
  } else items = first as unknown[]
  const out: unknown[] = []
  for (const item of items) {
    if (!isMapping(item)) throw new TemplateFault(`subelements lookup expects a dictionary, got '${toText(item)}'`)
    if (item.skipped !== undefined && item.skipped !== false) continue
    const copy = structuredClone(item)
    let at: Record<string, unknown> = copy
    let list: unknown[] = []
    for (const [i, key] of keys.entries()) {
      const last = i === keys.length - 1
      if (!(key in at)) {
        if (skipMissing) continue
        throw new TemplateFault(`could not find '${key}' key in iterated item '${toText(at)}'`)
      }
      const v = at[key]
      if (!last) {
        if (!isMapping(v)) {
          if (skipMissing) continue
          throw new TemplateFault(`the key ${key} should point to a dictionary, got '${toText(v)}'`)
        }
        at = v
      } else {
        if (!Array.isArray(v)) throw new TemplateFault(`the key ${key} should point to a list, got '${toText(v)}'`)
        list = v
        delete at[key]
      }
    }
    for (const el of list) out.push([copy, el])
  }
  return out
}
