// A role's meta/argument_specs.yml, checked against the arguments it would see on each host
// before any of its tasks runs (roles:, import_role and include_role alike).
import type { SourcePos } from '../errors.js'
import { formatPos } from '../errors.js'
import type { Role, Task } from '../playbook/types.js'
import { check } from '../schema/validate.js'
import { mapLimit } from '../util/limit.js'
import type { PlayContext, Scope } from './context.js'
import { varsFor } from './hostvars.js'
import { recordResult } from './record.js'

/** meta/argument_specs.yml: the role's effective arguments are checked before it runs. */
export async function checkRoleArguments(pc: PlayContext, role: Role, hosts: string[], scope: Scope): Promise<void> {
  const spec = role.argumentSpec
  if (!spec) return
  const task: Task = { kind: 'task', name: `Validating arguments against arg spec 'main'`, module: 'assert', args: {}, pos: spec.pos, keyPos: {}, when: [], tags: ['always'], vars: {}, notify: [], listen: [], role }
  pc.emit({ kind: 'task-start', name: `${role.name} : validate arguments`, pos: spec.pos, hosts, handler: false, role: role.name })
  await mapLimit(hosts, pc.opts.forks, async (h) => {
    const started = Date.now()
    let result
    try {
      const vars = varsFor(pc, h, { ...scope, role }, {}, role.pos)
      const props = Object.keys((spec.schema as { properties?: object }).properties ?? {})
      const values: Record<string, unknown> = {}
      for (const p of props) if (p in vars) values[p] = vars[p]
      const problem = check(spec.schema, values, { coerce: true })
      result = problem
        ? { status: 'failed' as const, msg: argSpecFailure(role.name, problem, spec.pos, role.pos), data: {}, durationMs: Date.now() - started }
        : { status: 'ok' as const, msg: 'The arg spec validation passed', data: {}, durationMs: Date.now() - started }
    } catch (e) {
      result = { status: 'failed' as const, msg: `role '${role.name}': ${(e as Error).message}`, data: {}, durationMs: Date.now() - started }
    }
    recordResult(pc, task, h, result)
    pc.emit({ kind: 'task-result', host: h, task: `${role.name} : validate arguments`, pos: spec.pos, result })
  })
}

/** "role 'svc': argument 'port' must be integer (role used at FILE:L:C)" and where the spec is. */
function argSpecFailure(role: string, problem: { path: Array<string | number>; message: string }, specPos: SourcePos, rolePos: SourcePos): string {
  const missing = /^missing required key '(.+)'$/.exec(problem.message)?.[1]
  const what = missing !== undefined
    ? `missing required argument '${[...problem.path, missing].join('.')}'`
    : `argument ${problem.path.length ? `'${problem.path.join('.')}' ` : ''}${problem.message.replace(/^'[^']*' /, '')}`
  return `role '${role}': ${what} (role used at ${formatPos(rolePos)})\nThe role's argument spec is at ${formatPos(specPos)}; pass the argument with the role, in vars, or with -e.`
}
