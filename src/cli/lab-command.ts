// `tsplay lab up|down|status|exec`: the test-host lab as a user command.
import { OptionsError } from '../errors.js'
import { formatStatus, labDown, labExec, labStatus, labUp } from '../lab/index.js'

export interface LabFlags {
  hosts?: number
  mail: boolean
  oldRelease?: string
  newRelease?: string
  mailLayout?: string
}

const log = (line: string) => process.stderr.write(`lab: ${line}\n`)

export async function labCommand(action: string, args: string[], o: LabFlags): Promise<number> {
  switch (action) {
    case 'up': {
      // Without flags, the mail hosts: that is what the migration rehearses on.
      const mail = o.mail || o.hosts === undefined
      const state = await labUp({ hosts: o.hosts, mail, log, oldRelease: o.oldRelease, newRelease: o.newRelease, mailLayout: o.mailLayout })
      process.stdout.write(formatStatus(await labStatus()).replace(/\n?$/, '\n'))
      log(`${state.hosts.length} hosts up; inventory in ${state.inventoryDir}`)
      return 0
    }
    case 'down':
      await labDown({ log })
      return 0
    case 'status':
      process.stdout.write(formatStatus(await labStatus()).replace(/\n?$/, '\n'))
      return 0
    case 'exec': {
      const [host, ...rest] = args
      const argv = rest[0] === '--' ? rest.slice(1) : rest
      if (!host || argv.length === 0) throw new OptionsError('usage: tsplay lab exec HOST -- COMMAND [ARGS...]')
      const r = await labExec(host, argv)
      process.stdout.write(r.stdout)
      process.stderr.write(r.stderr)
      return r.rc ?? 1
    }
    default:
      throw new OptionsError(`unknown lab action '${action}'`, { hint: 'Use one of: up, down, status, exec.' })
  }
}
