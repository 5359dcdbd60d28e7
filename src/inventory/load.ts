// -i: find the inventory file, parse and validate it, read group_vars/ and host_vars/ beside it,
// and merge every host's vars. Only Ansible's YAML inventory format is read.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, extname, join, resolve as resolvePath } from 'node:path'
import { OptionsError, ParseError, type SourcePos } from '../errors.js'
import { didYouMean } from '../util/suggest.js'
import { parseSource, type SourceFile } from '../yaml/source.js'
import { buildRaw, checkCycles, emptyRaw, type RawInventory } from './build.js'
import { implicitLocalhost, isLocalhostName, LOCALHOST_NAMES, rememberImplicit } from './localhost.js'
import { rememberLayers } from './dynamic.js'
import { resolve } from './merge.js'
import { validateInventory } from './schema.js'
import type { Inventory, InventoryHost } from './types.js'
import { readVarsDir, type VarsFiles } from './vars-files.js'

// Callers that load an inventory usually resolve its hosts too.
export { resolveHost } from './localhost.js'

export interface LoadOptions {
  /** Problems that do not stop the run (group_vars for an unknown group...). Never printed here. */
  warn?: (message: string, pos?: SourcePos) => void
}

/** Names looked for, in order, when -i is a folder. */
export const INVENTORY_FILE_NAMES = ['hosts.yml', 'hosts.yaml', 'inventory.yml']

const INI_HINT = 'tsplay reads only YAML inventories. Convert it with `ansible-inventory -i FILE --list -y > hosts.yml`, or rewrite it as `all: {children: {group: {hosts: {name: {vars...}}}}}` (see docs/inventory.md).'

/** Load the inventory at `source` (a folder or a YAML file); undefined gives an empty inventory. */
export function loadInventory(source: string | undefined, opts: LoadOptions = {}): Inventory {
  if (source === undefined) return finish('', emptyRaw(), new Map(), new Map(), opts)
  const path = resolvePath(source)
  if (!existsSync(path)) {
    throw new OptionsError(`-i ${source}: no such file or folder`, { hint: 'Give the inventory folder (holding hosts.yml) or a YAML inventory file.' })
  }
  const isDir = statSync(path).isDirectory()
  const file = isDir ? inventoryFileIn(path, source) : path
  const src = parseInventory(file)
  const raw = buildRaw(src)
  checkCycles(raw)
  const dir = isDir ? path : dirname(path)
  return finish(source, raw, readVarsDir(join(dir, 'group_vars')), readVarsDir(join(dir, 'host_vars')), opts)
}

function inventoryFileIn(dir: string, source: string): string {
  const found = INVENTORY_FILE_NAMES.filter((n) => existsSync(join(dir, n)))
  if (found.length > 1) {
    throw new OptionsError(`-i ${source}: the folder holds ${found.join(' and ')}; tsplay reads one inventory file per folder`, {
      hint: 'Merge them into one file, or give -i the file you mean.',
    })
  }
  if (found[0]) return join(dir, found[0])
  const ini = ['hosts', 'hosts.ini', 'inventory', 'inventory.ini'].find((n) => existsSync(join(dir, n)) && statSync(join(dir, n)).isFile())
  if (ini) throw new ParseError(`${join(dir, ini)} looks like an INI inventory, which tsplay does not read`, { pos: { file: join(dir, ini), line: 1, col: 1 }, hint: INI_HINT })
  throw new OptionsError(`-i ${source}: the folder has no ${INVENTORY_FILE_NAMES.join(', ')}`, {
    hint: 'Put the inventory in hosts.yml inside the folder (see docs/inventory.md), or give -i the file itself.',
  })
}

/** An INI section header (`[web]`, `[web:vars]`) or `name key=value` line, which YAML lacks. */
function iniLine(text: string): number {
  const lines = text.split('\n')
  const i = lines.findIndex((l) => /^\[[^\]\s,]+\]\s*([#;].*)?$/.test(l) || /^[^\s:#]+\s+[A-Za-z_]\w*=\S/.test(l))
  return i + 1
}

function parseInventory(file: string): SourceFile {
  const text = readFileSync(file, 'utf8')
  const iniAt = iniLine(text)
  const ini = (line: number): never => {
    throw new ParseError(`${file} looks like an INI inventory, which tsplay does not read`, { pos: { file, line: Math.max(line, 1), col: 1 }, hint: INI_HINT })
  }
  if (['.ini', '.cfg'].includes(extname(file))) ini(iniAt)
  let src: SourceFile
  try {
    src = parseSource(file, text)
  } catch (e) {
    // INI text is often not valid YAML at all: say what it is rather than the YAML error.
    if (iniAt > 0) ini(iniAt)
    throw e
  }
  const v = src.value
  if (iniAt > 0 && (v === null || typeof v !== 'object' || Array.isArray(v))) ini(iniAt)
  validateInventory(src)
  return src
}

function finish(source: string, raw: RawInventory, groupFiles: Map<string, VarsFiles>, hostFiles: Map<string, VarsFiles>, opts: LoadOptions): Inventory {
  warnUnknown(groupFiles, raw.groups.keys(), 'group', opts)
  warnUnknown(hostFiles, [...raw.hosts.keys(), ...LOCALHOST_NAMES], 'host', opts)
  const { hosts, groups } = resolve({ raw, groupFiles, hostFiles })
  const inv: Inventory = { source, hosts, groups }
  // group_by/add_host change the inventory during the run by merging these layers again.
  rememberLayers(inv, { raw, groupFiles, hostFiles })
  const implicit = new Map<string, InventoryHost>()
  for (const name of LOCALHOST_NAMES) {
    if (!hosts.has(name)) implicit.set(name, implicitLocalhost(name, groups.get('all')?.vars ?? {}, hostFiles.get(name)?.vars))
  }
  rememberImplicit(inv, implicit)
  return inv
}

function warnUnknown(files: Map<string, VarsFiles>, known: Iterable<string>, what: 'group' | 'host', opts: LoadOptions): void {
  const names = new Set(known)
  for (const [name, { files: paths }] of files) {
    if (names.has(name) || (what === 'host' && isLocalhostName(name))) continue
    const first = paths[0] ?? name
    opts.warn?.(`${first}: there is no ${what} '${name}' in the inventory, so these vars are ignored unless a group_by or add_host task makes it.${didYouMean(name, names)}`, {
      file: first,
      line: 1,
      col: 1,
    })
  }
}
