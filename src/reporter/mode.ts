// Which reporter and whether to color, from the flags, the terminal and the environment.

export type ReporterMode = 'tty' | 'plain' | 'json'

/** An env flag counts as set unless empty, "0" or "false" (CI=false is a common way to unset). */
function isSet(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
}

/** --json wins; a live display only makes sense on a terminal a person watches (not CI logs). */
export function chooseMode(opts: { json: boolean; isTTY: boolean; env: NodeJS.ProcessEnv }): ReporterMode {
  if (opts.json) return 'json'
  if (!opts.isTTY || isSet(opts.env.CI) || opts.env.TERM === 'dumb') return 'plain'
  return 'tty'
}

/** FORCE_COLOR takes precedence over NO_COLOR, as in Node itself; then NO_COLOR (any
 * non-empty value, per no-color.org); then color only on a terminal that can show it. */
export function useColor(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false'
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.TERM === 'dumb') return false
  return isTTY
}
