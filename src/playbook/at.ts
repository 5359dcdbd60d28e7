// Positions of a mapping and of each of its keys' values, for the `pos`/`keyPos` every node has.
import { ParseError, type SourcePos } from '../errors.js'
import { keyPosAt, nodeAt, posAt, posOf, type SourceFile } from '../yaml/source.js'
import type { Located } from './types.js'

export type Path = Array<string | number>

/** Where the value of `key` is; an empty value (`tasks:`) points at the key itself. */
export function valuePos(src: SourceFile, path: Path, key: string | number): SourcePos {
  const node = nodeAt(src, [...path, key])
  return node ? posOf(src, node) : keyPosAt(src, path, String(key))
}

export function located(src: SourceFile, path: Path, value: Record<string, unknown>): Located {
  const keyPos: Record<string, SourcePos> = {}
  for (const key of Object.keys(value)) keyPos[key] = valuePos(src, path, key)
  return { pos: posAt(src, path), keyPos }
}

export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A ParseError at `path` in `src`. */
export function errorAt(src: SourceFile, path: Path, message: string, hint: string): ParseError {
  return new ParseError(message, { pos: posAt(src, path), hint })
}

/** A ParseError at a key (not its value): unknown keywords, module names. */
export function errorAtKey(src: SourceFile, path: Path, key: string, message: string, hint: string): ParseError {
  return new ParseError(message, { pos: keyPosAt(src, path, key), hint })
}
