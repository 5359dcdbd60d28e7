// The lab's state file: written before each resource is created so `down` can undo a crash.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TsplayError } from '../errors.js'
import type { LabState } from './types.js'

export function statePath(stateDir: string): string {
  return join(stateDir, 'state.json')
}

export function readState(stateDir: string): LabState | undefined {
  let text: string
  try {
    text = readFileSync(statePath(stateDir), 'utf8')
  } catch {
    return undefined
  }
  try {
    const s = JSON.parse(text) as LabState
    if (s.version !== 1 || !Array.isArray(s.hosts)) throw new Error('unknown version')
    return s
  } catch (e) {
    throw new TsplayError(`The lab state file ${statePath(stateDir)} is unreadable: ${(e as Error).message}`, {
      hint: 'Check `ip netns list` for lab-* namespaces and remove them by hand, then delete the file.',
      cause: e,
    })
  }
}

/** Atomic write (temp + rename): a crash never leaves half a state file. */
export function writeState(state: LabState): void {
  mkdirSync(state.stateDir, { recursive: true })
  const tmp = `${statePath(state.stateDir)}.tmp`
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n')
  renameSync(tmp, statePath(state.stateDir))
}

export function removeState(stateDir: string): void {
  rmSync(statePath(stateDir), { force: true })
}
