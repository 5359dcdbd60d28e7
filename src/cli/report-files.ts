// Where a run's HTML report (and the run log it is drawn from) is written, and writing them.
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { OptionsError, TsplayError } from '../errors.js'
import { parseRunLog } from '../reporter/html/model.js'
import { renderReport } from '../reporter/html/page.js'
import type { RunLogReporter } from '../reporter/run-log.js'

/** Runs that contribute report data (the migration) write here unless --report says where. */
export const DEFAULT_RUN_DIR = 'tsplay-runs'

/** Refuse a --report path that cannot be written before the run, not after it. */
export function checkReportPath(file: string): void {
  const dir = dirname(resolve(file))
  try {
    accessSync(dir, constants.W_OK)
  } catch {
    throw new OptionsError(`--report ${file}: cannot write in ${dir}`, { hint: 'Give a file in a folder that exists and is writable.' })
  }
}

export interface SavedReport {
  html: string
  /** The run log beside a default report. */
  log?: string
}

/** Write the report when asked (--report) or when the run contributed report data (then with
 * its run log, under tsplay-runs/). Returns what was written, or undefined. */
export function saveRunReport(runLog: RunLogReporter, o: { report?: string; playbook: string; cwd?: string }): SavedReport | undefined {
  if (runLog.lines.length === 0) return undefined
  const html = renderReport(parseRunLog(runLog.ndjson))
  if (o.report !== undefined) {
    write(o.report, html)
    return { html: o.report }
  }
  if (!runLog.sawReport) return undefined
  const dir = join(o.cwd ?? process.cwd(), DEFAULT_RUN_DIR)
  const started = /"ts":"([^"]+)"/.exec(runLog.lines[0]!)?.[1] ?? new Date().toISOString()
  const stem = `${basename(o.playbook, extname(o.playbook))}-${started.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`
  try {
    mkdirSync(dir, { recursive: true })
  } catch (e) {
    throw new TsplayError(`cannot make ${dir} for the run report: ${(e as Error).message}`, { hint: 'Run from a writable folder, or give --report FILE.' })
  }
  const log = join(dir, `${stem}.ndjson`)
  write(log, runLog.ndjson)
  const file = join(dir, `${stem}.html`)
  write(file, html)
  return { html: file, log }
}

function write(file: string, text: string): void {
  try {
    writeFileSync(file, text)
  } catch (e) {
    throw new TsplayError(`cannot write ${file}: ${(e as Error).message}`, { hint: 'Give --report a writable path.' })
  }
}
