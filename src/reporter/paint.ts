// ANSI colors as Ansible uses them, reduced to identity functions when color is off.

export type Paint = (s: string) => string

export interface Palette {
  ok: Paint
  changed: Paint
  failed: Paint
  unreachable: Paint
  skipped: Paint
  warn: Paint
  /** Diff lines: additions, removals, hunk headers. */
  added: Paint
  removed: Paint
  hunk: Paint
  dim: Paint
}

// Each line is wrapped on its own so a pager or a cut line never leaks color into the next one.
function sgr(code: string): Paint {
  return (s) =>
    s
      .split('\n')
      .map((line) => (line === '' ? line : `\x1b[${code}m${line}\x1b[0m`))
      .join('\n')
}

const plain: Paint = (s) => s

export function palette(color: boolean): Palette {
  if (!color) {
    return {
      ok: plain, changed: plain, failed: plain, unreachable: plain, skipped: plain,
      warn: plain, added: plain, removed: plain, hunk: plain, dim: plain,
    }
  }
  return {
    ok: sgr('32'),
    changed: sgr('33'),
    failed: sgr('31'),
    unreachable: sgr('1;31'),
    skipped: sgr('36'),
    warn: sgr('1;35'),
    added: sgr('32'),
    removed: sgr('31'),
    hunk: sgr('36'),
    dim: sgr('2'),
  }
}
