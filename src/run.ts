// A playbook run, phase by phase: load → (syntax check | list) → execute plays → recap → close.
import { resolve } from 'node:path'
import type { Emit } from './events.js'
import { ExitCode } from './errors.js'
import { ConnectionPool } from './executor/pool.js'
import { playHosts, runPlay } from './executor/play.js'
import { RunState } from './executor/state.js'
import type { RunOptions } from './executor/context.js'
import { loadInventory } from './inventory/load.js'
import { loadPlaybook } from './playbook/load.js'
import type { Playbook } from './playbook/types.js'
import { checkStartAtTask, listTasks } from './listing.js'
import { registerSecretVars } from './vault/secret-vars.js'
import { currentVault } from './vault/session.js'

export interface RunRequest {
  playbook: string
  inventory?: string
  limit?: string
  options: RunOptions
  syntaxCheck: boolean
  listTasks: boolean
  listHosts: boolean
  acceptNewHostKeys: boolean
  sshConfigFile?: string
}

export interface RunIO {
  emit: Emit
  /** Aborts running commands (interrupt after the grace period). */
  signal: AbortSignal
  /** Aborts cleanup (rescue/always after an interrupt) too: a second interrupt. */
  hardSignal: AbortSignal
  /** Set on the first interrupt (and by any_errors_fatal): no new task starts. */
  stopping: { value: boolean }
  /** Whether the user interrupted the run (exit 99). */
  interrupted: () => boolean
}

export async function runPlaybook(req: RunRequest, io: RunIO): Promise<number> {
  const started = Date.now()
  // Phase 1: load and validate everything before touching any host.
  const playbook = loadPlaybook(resolve(req.playbook))
  const inventory = loadInventory(req.inventory, { warn: (message, pos) => io.emit({ kind: 'warning', message, pos }) })
  registerSecretVars(currentVault().secrets, inventory, playbook, req.options.extraVars)
  if (req.syntaxCheck) {
    io.emit({ kind: 'message', text: `playbook: ${req.playbook}` })
    return ExitCode.ok
  }
  if (req.listHosts || req.listTasks) {
    for (const text of listing(playbook, req, inventory, io.emit)) io.emit({ kind: 'message', text })
    return ExitCode.ok
  }

  if (req.options.startAtTask !== undefined) checkStartAtTask(playbook.plays, req.options.startAtTask)

  // Phase 2: execute the plays over one connection per host.
  io.emit({ kind: 'run-start', playbook: playbook.file, check: req.options.check, diff: req.options.diff })
  const state = new RunState(inventory)
  const pool = new ConnectionPool({ acceptNewHostKeys: req.acceptNewHostKeys, sshConfigFile: req.sshConfigFile, signal: io.signal })
  const reachedStart = { value: req.options.startAtTask === undefined }
  try {
    for (const play of playbook.plays) {
      await runPlay(play, { inventory, state, pool, opts: req.options, emit: io.emit, signal: io.signal, hardSignal: io.hardSignal, limit: req.limit, started: reachedStart, runStop: io.stopping })
      if (io.stopping.value || io.signal.aborted) break
    }
  } finally {
    await pool.closeAll()
  }

  // Phase 3: recap and exit code.
  const stats = state.stats()
  io.emit({ kind: 'recap', hosts: stats })
  const code = exitCode(stats, io)
  io.emit({ kind: 'run-end', exitCode: code, durationMs: Date.now() - started })
  return code
}

function exitCode(stats: ReturnType<RunState['stats']>, io: RunIO): number {
  if (io.interrupted()) return ExitCode.interrupted
  const all = Object.values(stats)
  if (all.some((s) => s.failed > 0)) return ExitCode.hostFailed
  if (all.some((s) => s.unreachable > 0)) return ExitCode.hostUnreachable
  return ExitCode.ok
}

function listing(playbook: Playbook, req: RunRequest, inventory: ReturnType<typeof loadInventory>, emit: Emit): string[] {
  const lines = [`playbook: ${req.playbook}`]
  for (const [i, play] of playbook.plays.entries()) {
    lines.push('', `  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`)
    if (req.listHosts) {
      const hosts = playHosts(play, { inventory, opts: req.options, emit, limit: req.limit })
      lines.push(`    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`))
    }
    if (req.listTasks) lines.push('    tasks:', ...listTasks(play, req.options.tags).map((t) => `      ${t}`))
  }
  return lines
}
