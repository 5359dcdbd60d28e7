// setup: gather facts about the host in one command (the facts script), named like Ansible's.
import { defineModule } from '../module.js'
import { TsplayError } from '../../errors.js'
import { FACTS_SCRIPT, parseFacts } from './setup-facts.js'
import { read } from '../read.js'

export interface SetupArgs {
  filter: string | string[]
  gather_subset: string | string[]
  gather_timeout: number
}

export interface SetupState {
  /** Raw output of the facts script. */
  output: string
}

/** fnmatch-style: * and ? wildcards, whole name; `distribution*` also matches `ansible_distribution*`. */
export function factMatches(name: string, patterns: string[]): boolean {
  if (patterns.length === 0) return true
  return patterns.some((p) => {
    const re = new RegExp('^' + p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$')
    return re.test(name) || (!p.startsWith('ansible_') && re.test(name.replace(/^ansible_/, '')))
  })
}

export const setup = defineModule<SetupArgs, SetupState>({
  name: 'setup',
  description: 'Gather facts about the host (OS, network, memory, mounts) as ansible_* variables.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      filter: {
        type: ['string', 'array'],
        items: { type: 'string' },
        default: [],
        description: 'Only keep facts whose name matches one of these patterns (* and ? wildcards).',
      },
      gather_subset: {
        type: ['string', 'array'],
        items: { type: 'string' },
        default: ['all'],
        description: 'Accepted for Ansible compatibility; all facts are always gathered (one command).',
      },
      gather_timeout: { type: 'integer', minimum: 1, default: 10, description: 'Seconds the facts command may take.' },
    },
  },
  example: `- setup:
    filter:
      - ansible_distribution*
      - ansible_default_ipv4`,

  async gather(args, ctx) {
    const r = await read(ctx, FACTS_SCRIPT, { timeoutMs: args.gather_timeout * 1000, okCodes: 'any' })
    if (r.rc !== 0) {
      const why = r.timedOut ? `timed out after ${args.gather_timeout}s` : r.stderr.trim() || `exit code ${r.rc}`
      throw new TsplayError(`Gathering facts failed: ${why}`)
    }
    return { output: r.stdout }
  },

  plan(args, state) {
    const patterns = typeof args.filter === 'string' ? (args.filter === '' ? [] : [args.filter]) : args.filter
    const facts = Object.fromEntries(Object.entries(parseFacts(state.output)).filter(([k]) => factMatches(k, patterns)))
    return { changes: [], facts, reason: 'facts are read only' }
  },
})
