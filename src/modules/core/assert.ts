// assert: fail unless every condition holds; conditions are evaluated while gathering, since
// plan() sees no variables.
import { evalCondition } from '../../template/expressions.js'
import { defineModule } from '../module.js'

export interface AssertArgs {
  that: string | boolean | Array<string | boolean>
  fail_msg?: string
  msg?: string
  success_msg: string
  quiet: boolean
}

export interface AssertState {
  /** The first condition that did not hold. */
  failedAssertion?: string | boolean
}

export const assert = defineModule<AssertArgs, AssertState>({
  name: 'assert',
  description: 'Fail unless every given condition is true.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['that'],
    properties: {
      that: {
        type: ['string', 'boolean', 'array'],
        items: { type: ['string', 'boolean'] },
        description: 'A condition, or a list of conditions that must all be true (same syntax as when).',
      },
      fail_msg: { type: 'string', description: 'Message when a condition is false.' },
      msg: { type: 'string', description: 'Same as fail_msg.' },
      success_msg: { type: 'string', default: 'All assertions passed', description: 'Message when all conditions are true.' },
      quiet: { type: 'boolean', default: false, description: 'Show no message on success.' },
    },
  },
  example: `- assert:
    that:
      - ansible_os_family == "Debian"
      - ansible_memtotal_mb >= 1024
    fail_msg: "The new mail host needs Debian and 1 GB of memory"`,

  async gather(args, ctx) {
    const conds = Array.isArray(args.that) ? args.that : [args.that]
    // One at a time, so the message can name the condition that failed.
    for (const expr of conds) {
      if (!evalCondition([{ expr, pos: ctx.taskPos }], ctx.vars)) return { failedAssertion: expr }
    }
    return {}
  },

  plan(args, state) {
    if (state.failedAssertion !== undefined) {
      return {
        changes: [],
        failed: args.fail_msg ?? args.msg ?? 'Assertion failed',
        data: { assertion: state.failedAssertion, evaluated_to: false },
      }
    }
    return args.quiet ? { changes: [], reason: 'All assertions passed' } : { changes: [], msg: args.success_msg }
  },
})
