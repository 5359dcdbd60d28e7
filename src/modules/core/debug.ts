// debug: show a message or a variable's value; `var` is evaluated while gathering, since plan()
// sees no variables.
import { TemplateError } from '../../errors.js'
import { evaluate } from '../../template/expressions.js'
import { defineModule } from '../module.js'

export interface DebugArgs {
  msg?: unknown
  var?: string
  verbosity: number
}

export interface DebugState {
  /** The value of `var`, when given. */
  value?: unknown
  /** -v level of the run (ansible_verbosity). */
  verbosity: number
}

/** What Ansible shows for a variable that does not exist. */
export const UNDEFINED_VAR = 'VARIABLE IS NOT DEFINED!'

export const debug = defineModule<DebugArgs, DebugState>({
  name: 'debug',
  description: 'Print a message or the value of a variable.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      msg: { description: 'The message: text, or any value (shown as JSON).', default: 'Hello world!' },
      var: { type: 'string', description: 'A variable name or expression whose value is shown (instead of msg).' },
      verbosity: { type: 'integer', minimum: 0, default: 0, description: 'Only show at this -v level or above.' },
    },
  },
  example: `- debug:
    msg: "Migrating {{ inventory_hostname }} to {{ new_mx }}"

- debug:
    var: mailboxes.stdout_lines
    verbosity: 1`,

  async gather(args, ctx) {
    const verbosity = Number(ctx.vars.ansible_verbosity ?? 0) || 0
    if (args.var === undefined || verbosity < args.verbosity) return { verbosity }
    try {
      return { verbosity, value: evaluate(args.var, ctx.vars, ctx.taskPos) }
    } catch (e) {
      // Ansible prints a marker for an undefined variable instead of failing the task.
      if (e instanceof TemplateError && /^undefined variable/.test(e.message)) return { verbosity, value: UNDEFINED_VAR }
      throw e
    }
  },

  plan(args, state) {
    // As Ansible: a message for a higher -v level is a skipped task, not an ok one.
    if (state.verbosity < args.verbosity) return { changes: [], skipped: 'Verbosity threshold not met.', reason: `verbosity threshold (${args.verbosity}) not met` }
    if (args.var !== undefined) {
      const name = args.var
      return { changes: [], msg: `${name}: ${show(state.value)}`, data: { [name]: state.value } }
    }
    return { changes: [], msg: show(args.msg), data: { msg: args.msg } }
  },
})

function show(v: unknown): string {
  if (typeof v === 'string') return v
  return JSON.stringify(v, null, 2) ?? String(v)
}
