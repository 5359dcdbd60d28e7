// 2. Against Ansible: the pyinfra-performance playbook (user, file, copy, shell; no facts), the
// same YAML run by tsplay (--forks = hosts) and by ansible-playbook, best settings (pipelining,
// ControlPersist, forks = hosts, fixed interpreter) and defaults (forks 5, no pipelining,
// interpreter discovery). Every run starts from the same state (user and files removed first) and
// cold (no ssh master left from an earlier run). Also 4. (controller cost) from tsplay's runs.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inHosts } from '../lib/lab.js'
import { measure, processCpuMs, type Measured } from '../lib/measure.js'
import { stat, type Stat } from '../lib/stats.js'
import { hostList, tsplayEnv, type BenchContext } from '../lib/context.js'
import { check } from './overhead.js'

export type Tool = 'tsplay' | 'ansible-best' | 'ansible-default'

export interface ToolStats {
  tool: Tool
  hosts: number
  wall: Stat
  cpu: Stat
  /** Largest single process, KiB. */
  maxRss: Stat
  /** Whole process tree, KiB (sampled). */
  treeRss: Stat
}

export interface AnsibleResult {
  sizes: number[]
  runs: ToolStats[]
}

const RESET = 'userdel -r pyinfra >/dev/null 2>&1; rm -f /var/log/pyinfra.log; rm -rf /home/pyinfra; true'

export interface Plan {
  hosts: number
  tools: Tool[]
}

export async function vsAnsible(ctx: BenchContext, plans: readonly Plan[]): Promise<AnsibleResult> {
  const dir = join(ctx.tmp, 'pyinfra-shape')
  mkdirSync(join(dir, 'files'), { recursive: true })
  copyFileSync(join(ctx.root, 'bench', 'playbooks', 'pyinfra-shape.yml'), join(dir, 'playbook.yml'))
  copyFileSync(join(ctx.root, 'bench', 'playbooks', 'files', 'test_file.txt'), join(dir, 'files', 'test_file.txt'))
  const ans = {
    'ansible-best': ansibleSetup(ctx, 'best'),
    'ansible-default': ansibleSetup(ctx, 'default'),
  }
  const out: ToolStats[] = []
  for (const plan of plans) {
    const names = hostList(plan.hosts)
    const hosts = ctx.lab.hosts.filter((h) => names.includes(h.name))
    ctx.log(`  ${plan.hosts} host(s): ${plan.tools.join(', ')}`)
    const got = new Map<Tool, Measured[]>(plan.tools.map((t) => [t, []]))
    for (let r = 0; r < ctx.rounds; r++) {
      // Rotate the order each round so no tool always runs first (or right after another's burst).
      const order = plan.tools.map((_, i) => plan.tools[(i + r) % plan.tools.length]!)
      const line: string[] = []
      for (const tool of order) {
        await inHosts(hosts, RESET)
        const limit = names.join(',')
        let m: Measured
        if (tool === 'tsplay') {
          m = await measure(['node', ctx.cli, join(dir, 'playbook.yml'), '-i', ctx.inventory, '--limit', limit, '--forks', String(plan.hosts)], { env: tsplayEnv() })
          check(m, `tsplay on ${plan.hosts} hosts`)
        } else {
          const a = ans[tool]
          m = await measure(['ansible-playbook', '-i', a.inventory, '--limit', limit, ...(tool === 'ansible-best' ? ['--forks', String(plan.hosts)] : []), join(dir, 'playbook.yml')], { env: a.env })
          // ControlPersist masters detach from ansible-playbook (not waited for): add their CPU, then stop them.
          m.cpuMs += await stopMasters(a.controlDir)
          check(m, `${tool} on ${plan.hosts} hosts`)
        }
        if (/(failed|unreachable)=[1-9]/.test(m.tail)) throw new Error(`${tool}: a host failed:\n${m.tail}`)
        got.get(tool)!.push(m)
        line.push(`${tool} ${(m.wallMs / 1000).toFixed(2)} s`)
      }
      ctx.log(`    round ${r + 1}: ${line.join(', ')}`)
    }
    for (const [tool, ms] of got) {
      out.push({
        tool,
        hosts: plan.hosts,
        wall: stat(ms.map((m) => m.wallMs)),
        cpu: stat(ms.map((m) => m.cpuMs)),
        maxRss: stat(ms.map((m) => m.maxRssKb)),
        treeRss: stat(ms.map((m) => m.treeRssKb)),
      })
    }
  }
  return { sizes: plans.map((p) => p.hosts), runs: out }
}

interface AnsibleSetup {
  env: NodeJS.ProcessEnv
  inventory: string
  controlDir: string
  config: string
}

/** ansible.cfg + inventory in the scratch folder; nothing goes to ~/.ansible. */
function ansibleSetup(ctx: BenchContext, kind: 'best' | 'default'): AnsibleSetup {
  const base = join(ctx.tmp, `ansible-${kind}`)
  const controlDir = join(base, 'cp')
  for (const d of ['home', 'tmp', 'cp']) mkdirSync(join(base, d), { recursive: true, mode: 0o700 })
  const inventory = join(base, 'hosts.ini')
  const bench = ctx.lab.hosts.filter((h) => h.role === 'bench').map((h) => h.name)
  // Addresses, user, key and known_hosts come from the lab's ssh_config (-F).
  writeFileSync(inventory, `[bench]\n${bench.join('\n')}\n`)
  const sshCfg = ctx.lab.ssh.config
  const config = join(base, 'ansible.cfg')
  const lines =
    kind === 'best'
      ? [
          '[defaults]',
          'interpreter_python = /usr/bin/python3',
          '[ssh_connection]',
          'pipelining = True',
          `ssh_args = -o ControlMaster=auto -o ControlPersist=60s -F ${sshCfg}`,
        ]
      : [
          // Ansible's own ssh_args plus the lab's ssh_config; everything else as shipped.
          '[defaults]',
          '[ssh_connection]',
          `ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -F ${sshCfg}`,
        ]
  lines.splice(1, 0, `home = ${join(base, 'home')}`, `local_tmp = ${join(base, 'tmp')}`, 'retry_files_enabled = False', 'nocows = True')
  lines.push(`control_path_dir = ${controlDir}`)
  writeFileSync(config, lines.join('\n') + '\n')
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: join(base, 'home'), LANG: 'C.UTF-8', ANSIBLE_CONFIG: config, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' }
  return { env, inventory, controlDir, config }
}

/** CPU (ms) of the ssh ControlPersist masters in controlDir, read just before asking each to exit. */
async function stopMasters(controlDir: string): Promise<number> {
  let cpu = 0
  const socks = readdirSync(controlDir).map((f) => join(controlDir, f))
  await Promise.all(
    socks.map(async (sock) => {
      const checked = await ssh(['-F', '/dev/null', '-o', `ControlPath=${sock}`, '-O', 'check', 'lab-master'])
      const pid = /pid=(\d+)/.exec(checked)?.[1]
      if (pid) cpu += processCpuMs(Number(pid))
      await ssh(['-F', '/dev/null', '-o', `ControlPath=${sock}`, '-O', 'exit', 'lab-master'])
    }),
  )
  return cpu
}

function ssh(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const c = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    c.stdout.on('data', (b: Buffer) => (out += b.toString()))
    c.stderr.on('data', (b: Buffer) => (out += b.toString()))
    c.on('close', () => resolve(out))
    c.on('error', () => resolve(out))
  })
}
