// Reading a user's YAML file while keeping where every node was written, and writing YAML for
// the to_yaml helpers. The only import of `yaml`.
import { readFileSync } from 'node:fs'
import { LineCounter, parse, parseDocument, isAlias, isMap, isSeq, isPair, isScalar, stringify, visit, type Node, type Document, type ScalarTag, type Tags } from 'yaml'
import { ParseError, type SourcePos } from '../errors.js'
import { markUnsafe } from '../template/unsafe.js'
import { openVaultFile, rememberSealed, revealVaultValue, VAULT_TAG } from '../vault/yaml.js'

export interface SourceFile {
  file: string
  text: string
  doc: Document.Parsed
  lines: LineCounter
  /** The plain JS value of the document. */
  value: unknown
}

const HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'Each key may appear once in a mapping; remove or rename the repeated one.',
  TAB_AS_INDENT: 'YAML indents with spaces only; replace the tab with spaces.',
  BAD_INDENT: 'Check that this line lines up with its siblings.',
  MISSING_CHAR: 'A quote or bracket is not closed.',
  BLOCK_AS_IMPLICIT_KEY: 'A key is missing its colon, or the line above is indented wrongly.',
  MULTIPLE_DOCS: 'A file holds one YAML document: remove the "---" line and keep everything in one list.',
}

// PyYAML's booleans (what Ansible sees): yes/no/on/off/true/false, but not y/n, which the
// yaml package's 1.1 schema would also turn into booleans (`register: n` must stay a name).
const boolTag = (value: boolean, re: RegExp) => ({
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: re,
  resolve: () => value,
})
const pyyamlBools = (tags: Tags): Tags => [
  boolTag(true, /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/),
  boolTag(false, /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/),
  ...tags.filter((t) => (typeof t === 'object' && 'tag' in t ? t.tag !== 'tag:yaml.org,2002:bool' : true)),
]

/** Declares `!vault` to the parser (else it warns of an unknown tag); the text stays as written
 * until revealVaultValues, which knows where each value is for its errors. */
const vaultTags: ScalarTag[] = [{ tag: VAULT_TAG, resolve: (text: string) => text }, { tag: '!unsafe', resolve: markUnsafe }]

/** Replace every `!vault` scalar of `doc` by its plain text, in place. */
function revealVaultValues(doc: Document.Parsed, file: string, lines: LineCounter): void {
  const posOf = (node: Node): SourcePos => {
    const lp = lines.linePos(node.range?.[0] ?? 0)
    return { file, line: lp.line, col: lp.col }
  }
  visit(doc, (_key, node) => {
    if ((isMap(node) || isSeq(node)) && node.tag === VAULT_TAG) {
      throw new ParseError(`${VAULT_TAG} must tag a text block, not a ${isMap(node) ? 'mapping' : 'list'}`, {
        pos: posOf(node),
        hint: 'Write `key: !vault |` followed by the indented output of `tsplay vault encrypt_string`.',
      })
    }
    if (!isScalar(node) || node.tag !== VAULT_TAG) return
    node.value = revealVaultValue(node.value, posOf(node))
    // The tag has done its job; an untagged string is what the rest of tsplay expects.
    node.tag = undefined
  })
}

/** The value of YAML text that is data, not a user's file (from_yaml). */
export function yamlValue(text: string): unknown {
  return parse(text)
}

/** A value as YAML text (to_yaml, to_nice_yaml). */
export function yamlText(value: unknown, indent = 2): string {
  return stringify(value, { indent })
}

/** Parse YAML text; syntax errors become a ParseError at the first problem. */
export function parseSource(file: string, text: string): SourceFile {
  // A whole-file vault is decrypted first; `!vault` values once the document is parsed.
  const opened = openVaultFile(file, text)
  text = opened.text
  const lines = new LineCounter()
  // YAML 1.1, as Ansible reads it: `mode: 0644` is octal and `become: yes` is true.
  const doc = parseDocument(text, { version: '1.1', customTags: (tags) => [...pyyamlBools(tags), ...vaultTags], lineCounter: lines, uniqueKeys: true, prettyErrors: false, keepSourceTokens: false })
  const err = doc.errors[0]
  if (err) {
    const first = (err.message.split('\n')[0] ?? err.message).replace(/; please use YAML\.parseAllDocuments\(\)/, '')
    // An unclosed quote runs to the end of the file: point at the quote that opened it.
    const quote = err.code === 'MISSING_CHAR' ? /Missing closing (["'])quote/.exec(first)?.[1] : undefined
    const lp = lines.linePos(quote ? Math.max(0, text.lastIndexOf(quote, err.pos[0] - 1)) : err.pos[0])
    throw new ParseError(`YAML syntax error: ${first.replace(/ at line \d+, column \d+:?$/, '')}`, {
      pos: { file, line: lp.line, col: lp.col },
      hint: (HINTS[err.code] ?? 'Fix the YAML syntax at this position.') + (opened.sealed ? ` The position is in the decrypted text: fix it with tsplay vault edit ${file}.` : ''),
    })
  }
  revealVaultValues(doc, file, lines)
  const value = toJS(doc, file, lines)
  if (opened.sealed) rememberSealed(value)
  return { file, text, doc, lines, value }
}

/** The document's JS value; an alias to no anchor (`*x` before or without `&x`) is a ParseError there. */
function toJS(doc: Document.Parsed, file: string, lines: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 })
  } catch (e) {
    let alias: Node | undefined
    visit(doc, { Alias: (_, node) => (node.resolve(doc) === undefined ? ((alias = node), visit.BREAK) : undefined) })
    if (!alias && !(e instanceof ReferenceError)) throw e
    const lp = lines.linePos(alias?.range?.[0] ?? 0)
    const name = alias && isAlias(alias) ? alias.source : ''
    throw new ParseError(alias ? `YAML alias '*${name}' refers to no anchor` : `YAML error: ${(e as Error).message}`, {
      pos: { file, line: lp.line, col: lp.col },
      hint: `Define the anchor (&${name || 'name'}) earlier in the same file, or write the value out.`,
    })
  }
}

/** UTF-8 text of a file; bytes that are not UTF-8 are a ParseError at the first of them. */
function decodeUtf8(file: string, bytes: Buffer, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    const loose = bytes.toString('utf8')
    const at = loose.indexOf('\uFFFD')
    const before = loose.slice(0, Math.max(0, at))
    const line = before.split('\n').length
    const col = before.length - before.lastIndexOf('\n')
    throw new ParseError(`${what} ${file} is not valid UTF-8`, {
      pos: { file, line, col },
      hint: 'Save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8); tsplay reads YAML as UTF-8 only.',
    })
  }
}

/** Read and parse a YAML file; a missing file is a ParseError at `from` (where it was named). */
export function readSource(file: string, from?: SourcePos, what = 'file'): SourceFile {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`
    throw new ParseError(`${what} ${file} ${why}`, { pos: from, hint: 'Check the path; relative paths are resolved from the file that names them.', cause: e })
  }
  return parseSource(file, decodeUtf8(file, bytes, what))
}

/** Position of a node (its first character). */
export function posOf(src: SourceFile, node: unknown): SourcePos {
  const range = (node as Node | undefined)?.range
  if (!range) return { file: src.file, line: 1, col: 1 }
  const lp = src.lines.linePos(range[0])
  return { file: src.file, line: lp.line, col: lp.col }
}

/** The node at a path of keys/indexes from the document root, or undefined. */
export function nodeAt(src: SourceFile, path: ReadonlyArray<string | number>): Node | undefined {
  let node: unknown = src.doc.contents
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key))
      node = pair?.value ?? undefined
    } else if (isSeq(node)) {
      node = node.items[Number(key)]
    } else return undefined
    if (node === undefined || node === null) return undefined
  }
  return node as Node
}

/** Position of the node at `path`, falling back to the nearest ancestor that exists. */
export function posAt(src: SourceFile, path: ReadonlyArray<string | number>): SourcePos {
  for (let n = path.length; n >= 0; n--) {
    const node = nodeAt(src, path.slice(0, n))
    if (node) return posOf(src, node)
  }
  return { file: src.file, line: 1, col: 1 }
}

/** Position of a key itself (not its value) in the mapping at `path`. */
export function keyPosAt(src: SourceFile, path: ReadonlyArray<string | number>, key: string): SourcePos {
  const map = path.length ? nodeAt(src, path) : src.doc.contents
  if (isMap(map)) {
    const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key)
    if (pair && pair.key) return posOf(src, pair.key)
  }
  return posAt(src, path)
}

/** The text of line `line` (1-based), for "the offending line appears to be". */
export function lineText(text: string, line: number): string {
  return text.split('\n')[line - 1] ?? ''
}
