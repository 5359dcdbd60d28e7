// Load-time refusals are gathered, not thrown one by one: a playbook with five unknown keywords,
// modules or args gets one error naming all five (each with file:line:col), and `tsplay compat`
// lists them without running anything. The loader is synchronous, so one sink per load suffices.
import { formatPos, ParseError } from '../errors.js'

/** Every refusal of one load, in file order; `pos`/`hint` of the error are the first one's. */
export class LoadProblems extends ParseError {
  constructor(readonly problems: ParseError[]) {
    const first = problems[0]!
    super(
      problems.length === 1
        ? first.message
        : `${problems.length} things in this playbook tsplay would not run:\n` +
            problems.map((p) => `  ${p.pos ? formatPos(p.pos) + ': ' : ''}${p.message}${p.hint ? `\n      ${p.hint}` : ''}`).join('\n'),
      { pos: first.pos, hint: problems.length === 1 ? first.hint : 'Fix or remove each of them; the first is shown below.' },
    )
  }
}

let sink: ParseError[] | undefined

/** Run a whole load; throws one LoadProblems when anything was refused along the way. */
export function collecting<T>(fn: () => T): T {
  const { value, problems } = gathering(fn)
  if (problems.length) throw new LoadProblems(problems)
  return value!
}

/**
 * Run a whole load and return what it built with every refusal (for `tsplay compat`); a refusal
 * that stops the load (a file that cannot be read) is the last problem and `value` is undefined.
 */
export function gathering<T>(fn: () => T): { value?: T; problems: ParseError[] } {
  if (sink) return { value: fn(), problems: [] }
  const mine: ParseError[] = []
  sink = mine
  try {
    return { value: fn(), problems: mine }
  } catch (e) {
    if (e instanceof LoadProblems) return { problems: [...mine, ...e.problems] }
    if (e instanceof ParseError) return { problems: [...mine, e] }
    throw e
  } finally {
    sink = undefined
  }
}

/** Run one node's parse; a refusal is recorded and `fallback` stands in, so loading goes on. */
export function tolerate<T>(fn: () => T, fallback: T): T {
  try {
    return fn()
  } catch (e) {
    if (!sink || !(e instanceof ParseError) || e instanceof LoadProblems) throw e
    sink.push(e)
    return fallback
  }
}

/** Record a refusal and go on when a load is collecting; throw it otherwise. */
export function report(e: ParseError): void {
  if (!sink) throw e
  sink.push(e)
}
