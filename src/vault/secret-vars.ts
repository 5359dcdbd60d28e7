// Secrets that never went through a vault: connection and become passwords written as plain
// vars (inventory, play vars, -e) or as `become_password:`. Registered once everything is loaded,
// so output masks them like vault values.
import { SECRET_VAR_NAMES } from '../inventory/connection-vars.js'
import type { Inventory } from '../inventory/types.js'
import type { Playbook, TaskNode, Vars } from '../playbook/types.js'
import type { SecretRegistry } from './secrets.js'

/** Vars named like a secret (mail_check_password, mail_dns_tsig_secret, api_token...) are masked
 * too, wherever they are defined: cheap insurance against printing one by accident. */
const SECRET_NAME = /(^|_)(password|passwd|pass|secret|passphrase|token)(_|$)/i

export function registerSecretVars(secrets: SecretRegistry, inventory: Inventory, playbook: Playbook, extraVars: Vars): void {
  const fromVars = (vars: Vars | undefined) => {
    for (const [name, value] of Object.entries(vars ?? {})) if (SECRET_VAR_NAMES.has(name) || SECRET_NAME.test(name)) add(value)
  }
  // A template names another var; that one is masked if it is a secret, the text itself is not.
  const add = (v: unknown) => {
    if (typeof v === 'string' && !v.includes('{{')) secrets.add(v)
    else if (typeof v === 'number') secrets.add(v)
  }
  const fromTasks = (nodes: TaskNode[]) => {
    for (const t of nodes) {
      fromVars(t.vars)
      add(t.becomePassword)
      if (t.kind === 'block') for (const list of [t.block, t.rescue, t.always]) fromTasks(list)
    }
  }
  for (const h of inventory.hosts.values()) fromVars(h.vars)
  for (const g of inventory.groups.values()) fromVars(g.vars)
  fromVars(extraVars)
  for (const play of playbook.plays) {
    fromVars(play.vars)
    for (const f of play.varsFiles) fromVars(f.vars)
    for (const role of play.roles) {
      for (const vars of [role.defaults, role.vars, role.params]) fromVars(vars)
      fromTasks(role.tasks)
      fromTasks(role.handlers)
    }
    for (const list of [play.preTasks, play.tasks, play.postTasks, play.handlers]) fromTasks(list)
  }
}
