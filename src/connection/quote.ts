// The only way a value reaches a shell. Every interpolated value becomes one single-quoted word,
// so spaces, quotes, $(), backticks, ;, |, globs and newlines are inert.

/** Quote one value as a single POSIX shell word. */
export function quote(value: string | number): string {
  const s = String(value)
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/**
 * Tagged template that quotes every interpolation: sh`rm -f -- ${path}`.
 * An array interpolation becomes several quoted words. Use raw() for a trusted fragment
 * (already built by sh or a fixed operator).
 */
export function sh(strings: TemplateStringsArray, ...values: Array<ShellValue>): string {
  let out = strings[0] ?? ''
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '')
  })
  return out
}

export type ShellValue = string | number | Raw | ReadonlyArray<string | number | Raw>

class Raw {
  constructor(readonly text: string) {}
}

/** Mark a fragment as already-safe shell text (built by sh or a constant). */
export function raw(text: string): Raw {
  return new Raw(text)
}

function render(v: ShellValue): string {
  if (v instanceof Raw) return v.text
  if (Array.isArray(v)) return v.map((x) => render(x as ShellValue)).join(' ')
  return quote(v as string | number)
}

/** Join argv into one command line, each word quoted. */
export function argv(words: ReadonlyArray<string | number>): string {
  return words.map(quote).join(' ')
}
