// `tsplay PLAYBOOK`: wire options, the reporter and Ctrl-C handling to a playbook run.
import { createReporter, chooseMode, RunLogReporter, SharedClock, useColor } from '../reporter/index.js'
import { runPlaybook } from '../run.js'
import { maskError } from '../vault/mask-error.js'
import { processSecrets, vaultSession, withVault } from '../vault/session.js'
import { parseExtraVars } from './extra-vars.js'
import { checkReportPath, saveRunReport, type SavedReport } from './report-files.js'

export interface RunFlags {
  inventory?: string
  check: boolean
  diff: boolean
  limit?: string
  tags: string[]
  skipTags: string[]
  extraVars: string[]
  forks: number
  startAtTask?: string
  listTasks: boolean
  listHosts: boolean
  syntaxCheck: boolean
  json: boolean
  /** --report FILE: write the HTML report there. */
  report?: string
  acceptNewHostKeys: boolean
  sshConfig?: string
  verbose: number
  /** Read (or run, when executable) for the vault password. */
  vaultPasswordFile?: string
  /** --vault-id [label@]source, repeatable. */
  vaultId?: string[]
}

/** How long a running command may go on after Ctrl-C before it is killed (TSPLAY_GRACE_SECONDS). */
const GRACE_MS = Math.max(0, Number(process.env.TSPLAY_GRACE_SECONDS ?? 5)) * 1000

export async function runCommand(playbook: string, f: RunFlags): Promise<number> {
  const isTTY = Boolean(process.stdout.isTTY)
  const mode = chooseMode({ json: f.json, isTTY, env: process.env })
  // Secrets met while loading and running are hidden in all output, errors included.
  const vault = vaultSession({ file: f.vaultPasswordFile, ids: f.vaultId, secrets: processSecrets })
  if (f.report !== undefined) checkReportPath(f.report)
  // The run log behind the HTML report: the --json lines, masked the same, kept in memory.
  const clock = new SharedClock()
  const runLog = new RunLogReporter(clock.now)
  const reporter = createReporter({ mode, verbose: f.verbose, diff: f.diff, color: useColor(isTTY, process.env), out: process.stdout, secrets: vault.secrets, runLog: { reporter: runLog, clock } })
  const abort = new AbortController()
  const hardAbort = new AbortController()
  const stopping = { value: false }
  let interrupts = 0
  let grace: NodeJS.Timeout | undefined
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++
    stopping.value = true
    reporter.on({ kind: 'warning', message: interrupts === 1 ? `${sig}: no new task will start; running commands get ${GRACE_MS / 1000} s to finish, rescue/always still run (again to stop now)` : `${sig}: stopping now` })
    if (interrupts === 1) grace = setTimeout(() => abort.abort(), GRACE_MS)
    else {
      abort.abort()
      hardAbort.abort()
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    return await withVault(vault, () => runPlaybook(
      {
        playbook,
        inventory: f.inventory,
        limit: f.limit,
        syntaxCheck: f.syntaxCheck,
        listTasks: f.listTasks,
        listHosts: f.listHosts,
        acceptNewHostKeys: f.acceptNewHostKeys,
        sshConfigFile: f.sshConfig,
        options: {
          check: f.check,
          diff: f.diff,
          forks: f.forks,
          extraVars: parseExtraVars(f.extraVars),
          tags: { only: f.tags, skip: f.skipTags },
          startAtTask: f.startAtTask,
          verbose: f.verbose,
        },
      },
      { emit: (e) => reporter.on(e), signal: abort.signal, hardSignal: hardAbort.signal, stopping, interrupted: () => interrupts > 0 },
    ))
  } catch (e) {
    throw maskError(e, vault.secrets)
  } finally {
    if (grace) clearTimeout(grace)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await reporter.close()
    if (!f.syntaxCheck && !f.listTasks && !f.listHosts) tellReport(saveRunReport(runLog, { report: f.report, playbook }))
  }
}

/** Where the report went, on stderr so --json output stays pure NDJSON. */
function tellReport(saved: SavedReport | undefined): void {
  if (!saved) return
  const log = saved.log ? ` (run log: ${saved.log}; 'tsplay report ${saved.log} -o FILE.html' draws it again)` : ''
  process.stderr.write(`report: ${saved.html}${log}\n`)
}
