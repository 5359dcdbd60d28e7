// `tsplay compat PLAYBOOK`: list what in a playbook tsplay would not run, then a count by kind.
import { ExitCode, formatPos } from '../errors.js'
import { compatReport } from '../playbook/compat.js'

export function compatCommand(playbook: string): number {
  const problems = compatReport(playbook)
  if (problems.length === 0) {
    process.stdout.write(`${playbook}: nothing found that tsplay would not run.\n`)
    return 0
  }
  const lines = problems.map((p) => `${p.pos ? formatPos(p.pos) + ': ' : ''}${p.message}`)
  const kinds = new Map<string, number>()
  for (const p of problems) {
    const kind = p.message.replace(/\.\s*Did you mean.*$/s, '').replace(/ at column \d+$/, '').replace(/\.$/, '')
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
  }
  const summary = [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${n} × ${k}`)
  process.stdout.write(`${lines.join('\n')}\n\n${problems.length} thing${problems.length === 1 ? '' : 's'} tsplay would not run:\n${summary.join('\n')}\n`)
  return ExitCode.parser
}
