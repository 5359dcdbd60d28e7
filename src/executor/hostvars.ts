// The variables a task sees on one host: the precedence layers plus Ansible's magic variables.
import { dirname } from 'node:path'
import type { SourcePos } from '../errors.js'
import { resolveHost } from '../inventory/load.js'
import type { Role, Vars } from '../playbook/types.js'
import type { PlayContext, Scope } from './context.js'
import { mergeVars, rawKeys, templatedView } from './vars.js'
import { TSPLAY_VERSION } from '../version.js'

/** The host's groups but all and ungrouped, sorted by name as Ansible's group_names. */
function groupNames(pc: PlayContext, host: string): string[] {
  return (resolveHost(pc.inventory, host)?.groups ?? []).filter((g) => g !== 'all' && g !== 'ungrouped').sort()
}

/** A host's vars as `hostvars[name]` shows them: inventory, facts, the play's vars and vars_files,
 * set_fact/registered values and extra vars (Ansible's get_vars for that host and the play). */
function hostLayer(pc: PlayContext, name: string, pos: SourcePos): Vars {
  const h = pc.state.hosts.get(name)
  const inv = resolveHost(pc.inventory, name)?.vars ?? {}
  const merged = mergeVars({ inventory: inv, facts: h?.facts ?? {}, play: pc.play, scoped: [], registered: h?.registered ?? {}, extra: pc.opts.extraVars, magic: { inventory_hostname: name, inventory_hostname_short: name.split('.')[0], group_names: groupNames(pc, name) } })
  return templatedView(merged, pos, rawKeys(merged, h?.facts ?? {}, h?.registered ?? {}))
}

function hostvarsObject(pc: PlayContext, pos: SourcePos): Vars {
  const out: Vars = {}
  const names = new Set([...pc.inventory.hosts.keys(), ...pc.state.hosts.keys()])
  for (const name of names) {
    let cached: Vars | undefined
    Object.defineProperty(out, name, { enumerable: true, get: () => (cached ??= hostLayer(pc, name, pos)) })
  }
  return out
}

function groupsObject(pc: PlayContext): Vars {
  const out: Vars = {}
  for (const [name, g] of pc.inventory.groups) out[name] = [...g.hosts]
  if (!out.all) out.all = [...pc.inventory.hosts.keys()]
  if (!out.ungrouped) out.ungrouped = []
  return out
}

/** `{{ omit }}` as an argument's value leaves the argument out, as in Ansible. */
export const OMIT = '__omit_place_holder__tsplay'

/** The play's role name lists, made once per play's role list (it is set when the play loads):
 * magicVars runs for every task on every host. */
const roleLists = new WeakMap<Role[], Vars>()

function playRoleNames(roles: Role[]): Vars {
  let v = roleLists.get(roles)
  if (!v) {
    const names = (deps: boolean) => [...new Set(roles.filter((r) => !!r.dependency === deps).map((r) => r.name))]
    const own = names(false)
    const dependent = names(true)
    v = { role_names: own, ansible_play_role_names: own, ansible_dependent_role_names: dependent, ansible_role_names: [...new Set([...own, ...dependent])] }
    roleLists.set(roles, v)
  }
  return v
}

/** Ansible's role name lists: the play's own roles, those pulled in as dependencies, and both. */
function roleNameVars(pc: PlayContext, role: Role | undefined): Vars {
  return {
    ...playRoleNames(pc.play.roles),
    ...(role?.parents ? { ansible_parent_role_names: role.parents.map((p) => p.name), ansible_parent_role_paths: role.parents.map((p) => p.dir) } : {}),
  }
}

export function magicVars(pc: PlayContext, host: string, role: Role | undefined, pos: SourcePos): Vars {
  const active = pc.batch.filter((h) => pc.state.active(h))
  const facts = pc.state.hosts.get(host)?.facts ?? {}
  return {
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    group_names: groupNames(pc, host),
    groups: groupsObject(pc),
    hostvars: hostvarsObject(pc, pos),
    play_hosts: active,
    ansible_play_hosts: active,
    ansible_play_batch: active,
    ansible_play_hosts_all: pc.playHosts,
    ansible_play_name: pc.play.name,
    playbook_dir: pc.play.dir,
    ansible_search_path: [...new Set([role?.dir, pos.file ? dirname(pos.file) : undefined, pc.play.dir].filter((d): d is string => d !== undefined))],
    ansible_check_mode: pc.opts.check,
    ansible_diff_mode: pc.opts.diff,
    ansible_verbosity: pc.opts.verbose,
    omit: OMIT,
    ansible_facts: Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.replace(/^ansible_/, ''), v])),
    tsplay_version: TSPLAY_VERSION,
    ...(pc.state.hosts.get(host)?.lastFailure
      ? { ansible_failed_task: { name: pc.state.hosts.get(host)!.lastFailure!.task }, ansible_failed_result: pc.state.hosts.get(host)!.lastFailure!.result }
      : {}),
    ...(role ? { role_name: role.name, role_path: role.dir } : {}),
    ...roleNameVars(pc, role),
    ...(pos.file ? { task_file_dir: dirname(pos.file) } : {}),
  }
}

/** Every variable visible to a task on `host`, templated lazily. */
export function varsFor(pc: PlayContext, host: string, scope: Scope, taskVars: Vars, pos: SourcePos, extra: Vars[] = [], loopFacts?: Vars): Vars {
  const h = pc.state.host(host)
  // Facts set by the earlier items of a loop are seen by the later ones, as in Ansible.
  const registered = loopFacts ? { ...h.registered, ...loopFacts } : h.registered
  const role = scope.role
  const magic = magicVars(pc, host, role, pos)
  const merged = mergeVars({
    roleDefaults: role?.defaults,
    inventory: resolveHost(pc.inventory, host)?.vars ?? {},
    facts: h.facts,
    play: pc.play,
    role,
    scoped: [...scope.scoped, taskVars, ...extra],
    registered,
    extra: pc.opts.extraVars,
    magic,
  })
  // Magic values (ansible_failed_result...) are data too: never rendered again.
  return templatedView(merged, pos, rawKeys(merged, h.facts, registered, magic))
}
