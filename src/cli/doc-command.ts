// `tsplay doc [MODULE]`: module documentation straight from each module's schema.
import { formatModuleDoc, formatModuleList } from '../doc.js'
import { OptionsError } from '../errors.js'
import { getModule, moduleNames } from '../modules/index.js'
import { didYouMean } from '../util/suggest.js'

export function docCommand(name: string | undefined): number {
  if (!name) {
    process.stdout.write(formatModuleList(moduleNames().map((n) => getModule(n)!)))
    return 0
  }
  const mod = getModule(name)
  if (!mod) throw new OptionsError(`no module named '${name}'.${didYouMean(name, moduleNames())}`, { hint: "Run 'tsplay doc' for the list of modules." })
  process.stdout.write(formatModuleDoc(mod))
  return 0
}
