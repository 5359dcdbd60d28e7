// A tiny terminal: applies the cursor moves log-update uses, so tests see what a person would.

/** The final screen for text written with \x1b[1A (up), \x1b[2K (erase line), \x1b[G (column 0). */
export function screen(raw: string): string[] {
  const lines: string[] = ['']
  let row = 0
  // eslint-disable-next-line no-control-regex
  const tokens = raw.split(/(\x1b\[[0-9;?]*[A-Za-z]|\n)/)
  for (const t of tokens) {
    if (t === '') continue
    if (t === '\n') {
      row++
      if (lines.length <= row) lines.push('')
    } else if (t.startsWith('\x1b[')) {
      const cmd = t.slice(-1)
      const n = Number(t.slice(2, -1)) || 1
      if (cmd === 'A') row = Math.max(0, row - n)
      else if (cmd === 'K') lines[row] = ''
      // Colors, cursor show/hide and column moves change no text.
    } else {
      lines[row] += t
    }
  }
  return lines.slice(0, row + 1)
}
