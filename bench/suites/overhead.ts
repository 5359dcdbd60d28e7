// 1. Per-task overhead: 100 trivial `command` tasks on h1 by tsplay, against the floor (the same
// 100 commands on one open ssh2 connection in a bare script). Both are whole processes (node start,
// connect, run, exit); 1-task runs of each give the marginal cost per task.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { measure, type Measured } from '../lib/measure.js'
import { stat, type Stat } from '../lib/stats.js'
import { tsplayEnv, type BenchContext } from '../lib/context.js'

export interface OverheadResult {
  tasks: number
  tsplay: Stat
  floor: Stat
  tsplay1: Stat
  floor1: Stat
  /** Marginal ms per task: (wall(100) − wall(1)) / 99, from medians. */
  tsplayPerTaskMs: number
  floorPerTaskMs: number
  ratio: number
  goal: number
}

const TASKS = 100

function playbook(n: number): string {
  const tasks = Array.from({ length: n }, (_, i) => `    - name: task ${i}\n      command: echo task-${i}\n`).join('')
  return `- hosts: h1\n  gather_facts: no\n  tasks:\n${tasks}`
}

export async function overhead(ctx: BenchContext): Promise<OverheadResult> {
  const pb100 = join(ctx.tmp, 'tasks100.yml')
  const pb1 = join(ctx.tmp, 'tasks1.yml')
  writeFileSync(pb100, playbook(TASKS))
  writeFileSync(pb1, playbook(1))
  const h1 = ctx.lab.hosts.find((h) => h.name === 'h1')!
  const ssh = ctx.lab.ssh
  const runs = {
    tsplay: (pb: string) => measure(['node', ctx.cli, pb, '-i', ctx.inventory], { env: tsplayEnv() }),
    floor: (n: number) => measure(['node', ctx.floor, h1.ip, ssh.privateKey, ssh.knownHosts, String(n), 'echo task-{i}']),
  }
  const t100: Measured[] = []
  const f100: Measured[] = []
  const t1: Measured[] = []
  const f1: Measured[] = []
  for (let r = 0; r < ctx.rounds; r++) {
    // Alternate who goes first, so a warm-up or a neighbour's burst does not favour one side.
    const order = r % 2 === 0 ? ['t', 'f'] : ['f', 't']
    for (const who of order) {
      if (who === 't') t100.push(check(await runs.tsplay(pb100), 'tsplay 100 tasks'), )
      else f100.push(check(await runs.floor(TASKS), 'floor 100 commands'))
    }
    t1.push(check(await runs.tsplay(pb1), 'tsplay 1 task'))
    f1.push(check(await runs.floor(1), 'floor 1 command'))
    ctx.log(`  round ${r + 1}: tsplay ${ms(t100[r]!)}, floor ${ms(f100[r]!)} (1 task: ${ms(t1[r]!)} / ${ms(f1[r]!)})`)
  }
  const s = { tsplay: stat(t100.map((m) => m.wallMs)), floor: stat(f100.map((m) => m.wallMs)), tsplay1: stat(t1.map((m) => m.wallMs)), floor1: stat(f1.map((m) => m.wallMs)) }
  return {
    tasks: TASKS,
    ...s,
    tsplayPerTaskMs: (s.tsplay.median - s.tsplay1.median) / (TASKS - 1),
    floorPerTaskMs: (s.floor.median - s.floor1.median) / (TASKS - 1),
    ratio: s.tsplay.median / s.floor.median,
    goal: 1.5,
  }
}

export function check(m: Measured, what: string): Measured {
  if (m.code !== 0) throw new Error(`${what} failed (exit ${m.code}):\n${m.tail}`)
  return m
}

const ms = (m: Measured): string => `${m.wallMs.toFixed(0)} ms`
