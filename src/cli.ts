#!/usr/bin/env node
// argv → a run. The only place that prints errors and sets the exit code.
import { Command, CommanderError, Option } from 'commander'
import { ExitCode, isTsplayError, OptionsError } from './errors.js'
import { formatError } from './cli/format-error.js'
import { TSPLAY_VERSION } from './version.js'

const collect = (v: string, prev: string[]) => [...prev, v]
const commaList = (v: string, prev: string[]) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)]
const increase = (_: string, prev: number) => prev + 1
const positiveInt = (flag: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new OptionsError(`${flag} must be a whole number of at least 1, got '${v}'`, { hint: `Write it as ${flag} 5.` })
  return n
}

function program(setCode: (c: number) => void): Command {
  const p = new Command('tsplay')
    .description('Run Ansible-shaped playbooks over one persistent SSH connection per host.')
    .version(TSPLAY_VERSION, '--version', 'print the version')
    .argument('[playbook]', 'the playbook to run (YAML)')
    .option('-i, --inventory <path>', 'inventory folder or hosts.yml file')
    .option('-C, --check', "don't change anything; predict what would change", false)
    .option('-D, --diff', 'show the differences in files and settings', false)
    .option('-l, --limit <pattern>', 'further limit the selected hosts to a pattern')
    .option('-t, --tags <tags>', 'only run tasks tagged with these (comma list, repeatable)', commaList, [])
    .option('--skip-tags <tags>', 'skip tasks tagged with these (comma list, repeatable)', commaList, [])
    .option('-e, --extra-vars <vars>', 'key=value, @file.yml or JSON; highest precedence (repeatable)', collect, [])
    .option('-f, --forks <n>', 'hosts worked on at once', positiveInt('--forks'), 5)
    .option('--start-at-task <name>', 'start the playbook at the task with this name')
    .option('--list-tasks', 'list the tasks that would run', false)
    .option('--list-hosts', 'list the hosts each play would run on', false)
    .option('--syntax-check', 'check the playbook, inventory and roles; run nothing', false)
    .option('--json', 'print one JSON event per line (NDJSON)', false)
    .option('--report <file>', 'also write the run as one self-contained HTML report (timeline, recap, diffs)')
    .option('--accept-new-host-keys', 'record unknown SSH host keys instead of refusing (changed keys are always refused)', false)
    .option('-F, --ssh-config <file>', 'ssh_config file to use instead of ~/.ssh/config')
    .option('--vault-password-file <file>', 'vault password: a file, or an executable that prints it (else TSPLAY_VAULT_PASSWORD, else a prompt)')
    .option('--vault-id <[label@]source>', "Ansible's vault id: a password file, script or 'prompt' (repeatable; each is tried on Ansible vaults)", collect, [])
    .addOption(new Option('-v, --verbose', 'more output (-vv for live command output)').argParser(increase).default(0))
    .showHelpAfterError('(run tsplay --help for the options)')
    .action(async (playbook: string | undefined, o) => {
      if (!playbook) {
        p.outputHelp()
        setCode(ExitCode.badOptions)
        return
      }
      const { runCommand } = await import('./cli/run-command.js')
      setCode(await runCommand(playbook, o))
    })
  p.command('doc')
    .description('describe a module, or list all modules')
    .argument('[module]', 'module name')
    .action(async (name: string | undefined) => {
      const { docCommand } = await import('./cli/doc-command.js')
      setCode(docCommand(name))
    })
  p.command('compat')
    .description('list what in a playbook (say, one written for Ansible) tsplay would not run; runs nothing')
    .argument('<playbook>', 'the playbook')
    .action(async (playbook: string) => {
      const { compatCommand } = await import('./cli/compat-command.js')
      setCode(compatCommand(playbook))
    })
  p.command('vault')
    .description('encrypt, decrypt, view, edit, create or rekey a file; encrypt_string for one value')
    .argument('<action>', 'encrypt | decrypt | view | edit | create | rekey | encrypt_string')
    .argument('[file]', 'the file; for encrypt_string the value (stdin when absent)')
    .option('--vault-password-file <file>', 'vault password: a file, or an executable that prints it')
    .option('--vault-id <[label@]source>', "Ansible's vault id: a password file, script or 'prompt' (repeatable)", collect, [])
    .option('--format <format>', "encrypt, encrypt_string: 'tsplay' (default) or 'ansible' ($ANSIBLE_VAULT, 1.2 with the vault id's label)", 'tsplay')
    .option('--new-vault-password-file <file>', 'with rekey: the new password (a file or a script)')
    .option('--new-vault-id <[label@]source>', 'with rekey: the new password as a vault id (its label goes in a 1.2 header)')
    .option('--name <key>', 'with encrypt_string: the variable name')
    .action(async (action: string, file: string | undefined, _o: unknown, cmd: Command) => {
      const { vaultCommand } = await import('./cli/vault-command.js')
      setCode(await vaultCommand(action, file, cmd.optsWithGlobals()))
    })
  p.command('report')
    .description('the HTML report of a saved run log (the NDJSON of --json)')
    .argument('<log>', 'the run log (.ndjson)')
    .option('-o, --output <file>', 'the HTML file to write (default: stdout)')
    .action(async (log: string, o: { output?: string }) => {
      const { reportCommand } = await import('./cli/report-command.js')
      setCode(reportCommand(log, o))
    })
  p.command('lab')
    .description('real test hosts on this machine: up, down, status, exec')
    .argument('<action>', 'up | down | status | exec')
    .argument('[args...]', 'for exec: HOST -- COMMAND...')
    .option('--hosts <n>', 'with up: that many extra plain sshd hosts (h1..hN)', positiveInt('--hosts'))
    .option('--mail', 'with up: the mail hosts old, new and client', false)
    .option('--old-release <release>', "with up: old's Debian release (bullseye, bookworm, trixie; default this machine's)")
    .option('--new-release <release>', "with up: new's Debian release (same choices)")
    .option('--mail-layout <layout>', 'with up: how old keeps mail: system (users, ~/Maildir) or virtual (vmail, /var/vmail, courier userdb)')
    .action(async (action: string, args: string[], o: { hosts?: number; mail: boolean; oldRelease?: string; newRelease?: string; mailLayout?: string }) => {
      const { labCommand } = await import('./cli/lab-command.js')
      setCode(await labCommand(action, args, o))
    })
  return p
}

async function main(): Promise<number> {
  let code: number = ExitCode.ok
  const p = program((c) => (code = c))
  p.exitOverride()
  try {
    await p.parseAsync(process.argv)
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : ExitCode.badOptions
    throw e
  }
  return code
}

main().then(
  (code) => {
    process.exitCode = code
  },
  async (e: unknown) => {
    if (isTsplayError(e)) {
      // The offending line is re-read from disk and may hold a plain-text password: mask it.
      const { processSecrets } = await import('./vault/session.js')
      process.stderr.write(processSecrets.mask(formatError(e)))
      process.exitCode = e.exitCode
    } else {
      process.stderr.write(`tsplay: unexpected error (a bug in tsplay; please report it):\n${(e as Error)?.stack ?? String(e)}\n`)
      process.exitCode = ExitCode.unexpected
    }
  },
)
