// `tsplay report RUN.ndjson -o FILE.html`: the HTML report of a saved run log (--json output),
// the same page the run itself would have written.
import { readFileSync, writeFileSync } from 'node:fs'
import { OptionsError, TsplayError } from '../errors.js'
import { parseRunLog } from '../reporter/html/model.js'
import { renderReport } from '../reporter/html/page.js'

export function reportCommand(log: string, o: { output?: string }): number {
  let text: string
  try {
    text = readFileSync(log, 'utf8')
  } catch (e) {
    throw new OptionsError(`cannot read the run log ${log}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { hint: "A run log is what 'tsplay PLAYBOOK --json' prints, or the .ndjson beside a run's report." })
  }
  const events = parseRunLog(text)
  if (events.length === 0) throw new OptionsError(`${log} holds no run events`, { hint: "A run log is what 'tsplay PLAYBOOK --json' prints (one JSON event per line)." })
  const html = renderReport(events)
  if (o.output === undefined || o.output === '-') {
    process.stdout.write(html)
    return 0
  }
  try {
    writeFileSync(o.output, html)
  } catch (e) {
    throw new TsplayError(`cannot write ${o.output}: ${(e as Error).message}`)
  }
  process.stderr.write(`report: ${o.output}\n`)
  return 0
}
