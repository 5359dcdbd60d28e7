// Vault in YAML: a whole file that is one vault, and `key: !vault |` values. Both are decrypted
// as the file is read, and everything they held becomes a secret that output masks.
import { isMap, isScalar, isSeq, visit, type Document, type LineCounter, type Node, type ScalarTag } from 'yaml'
import { ParseError, type SourcePos } from '../errors.js'
import { decrypt } from './cipher.js'
import { isVaultText } from './envelope.js'
import { currentVault } from './session.js'

export const VAULT_TAG = '!vault'

/** Declares `!vault` to the parser (else it warns of an unknown tag); the text stays as written
 * until revealVaultValues, which knows where each value is for its errors. */
export const vaultTags: ScalarTag[] = [{ tag: VAULT_TAG, resolve: (text: string) => text }]

/** The text of a file, decrypted when the whole file is a vault. */
export function openVaultFile(file: string, text: string): { text: string; sealed: boolean } {
  if (!isVaultText(text)) return { text, sealed: false }
  const at = { file, line: 1, col: 1 }
  const vault = currentVault()
  return { text: decrypt(text, vault.passwords.get(at), at, vault.keys).toString('utf8'), sealed: true }
}

/** Everything in a file that was a whole vault is secret. */
export function rememberSealed(value: unknown): void {
  currentVault().secrets.addAll(value)
}

/** Replace every `!vault` scalar of `doc` by its plain text, in place, remembering it as a secret. */
export function revealVaultValues(doc: Document.Parsed, file: string, lines: LineCounter): void {
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
    const at = posOf(node)
    if (typeof node.value !== 'string' || !isVaultText(node.value)) {
      throw new ParseError(`this ${VAULT_TAG} value is not a tsplay vault`, {
        pos: at,
        hint: 'Paste the whole output of `tsplay vault encrypt_string`, starting at the $TSPLAY_VAULT line, as a `|` block.',
      })
    }
    const vault = currentVault()
    const plain = decrypt(node.value, vault.passwords.get(at), at, vault.keys).toString('utf8')
    vault.secrets.add(plain)
    node.value = plain
    // The tag has done its job; an untagged string is what the rest of tsplay expects.
    node.tag = undefined
  })
}
