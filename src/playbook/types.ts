// The loaded, validated playbook: what the executor walks. Every node keeps where the user
// wrote it, so any later error (undefined variable, failed task) can point at the YAML line.
import type { SourcePos } from '../errors.js'

export type Vars = Record<string, unknown>

export interface Located {
  pos: SourcePos
  /** Position of each key's value in the node, for errors about one key ('when', 'loop'...). */
  keyPos: Record<string, SourcePos>
}

export interface Playbook {
  /** Absolute path of the top playbook file. */
  file: string
  /** Plays in run order; import_playbook already flattened. */
  plays: Play[]
}

export interface Play extends Located {
  name: string
  /** Host pattern, untemplated (may contain {{ }}). */
  hosts: string
  /** Folder of the playbook file the play was written in (for relative paths). */
  dir: string
  vars: Vars
  /** vars_files already read, in order (later wins). */
  varsFiles: Array<{ path: string; vars: Vars }>
  roles: Role[]
  preTasks: TaskNode[]
  tasks: TaskNode[]
  postTasks: TaskNode[]
  handlers: Task[]
  /** Batch sizes: numbers or percentages ('30%'); a list means successive batch sizes. */
  serial?: Array<number | string>
  gatherFacts: boolean
  become?: boolean
  becomeUser?: string
  anyErrorsFatal: boolean
  maxFailPercentage?: number
  /** 'linear', 'free', or a template rendered when the play starts. */
  strategy: string
  tags: string[]
  environment?: Record<string, string>
  checkMode?: boolean
  noLog?: boolean
}

export interface Role extends Located {
  name: string
  /** Absolute folder roles/<name>. */
  dir: string
  defaults: Vars
  vars: Vars
  /** Vars given where the role is referenced (`- role: x` + `vars:` or extra keys). */
  params: Vars
  /** JSON schema from meta/argument_specs.yml (entry point main), if any. */
  argumentSpec?: { schema: object; file: string; pos: SourcePos }
  tasks: TaskNode[]
  handlers: Task[]
  tags: string[]
  when: Condition[]
  /** Loaded as another role's meta dependency (Ansible's ansible_dependent_role_names). */
  dependency?: boolean
  /** The roles that imported or included this one, innermost first (ansible_parent_role_names). */
  parents?: Array<{ name: string; dir: string }>
}

/** A `when`/`changed_when`/`failed_when`/`until` expression with where it was written. */
export interface Condition {
  expr: string | boolean
  pos: SourcePos
}

/** Fields shared by tasks and blocks. Inherited fields (when, tags from imports and roles) are
 * already folded in by the loader. */
export interface TaskCommon extends Located {
  name?: string
  when: Condition[]
  tags: string[]
  vars: Vars
  become?: boolean
  becomeUser?: string
  becomePassword?: string
  environment?: Record<string, string> | string
  ignoreErrors?: boolean | string
  ignoreUnreachable?: boolean
  noLog?: boolean
  checkMode?: boolean
  diff?: boolean
  delegateTo?: string
  runOnce?: boolean
  anyErrorsFatal?: boolean
  /** `connection:` / `remote_user:` keywords: used when the host's vars set no ansible_connection / ansible_user. */
  connection?: string
  remoteUser?: string
  becomeMethod?: string
  /** The role this task came from (its files/, templates/, vars), if any. */
  role?: Role
}

export interface Task extends TaskCommon {
  kind: 'task'
  /** Module name as resolved (`ansible.builtin.copy` → `copy`). */
  module: string
  /** Raw, untemplated args; free-form text already moved to the module's freeForm key. */
  args: Vars
  /** Where each arg was written, for errors about one arg's value. */
  argPos?: Record<string, SourcePos>
  loop?: unknown
  /** For with_X: the lookup the rendered loop value goes through (`with_dict` → 'dict'). */
  loopWith?: string
  loopControl?: { label?: unknown; loopVar: string; indexVar?: string; pause?: number | string; extended?: boolean | string; extendedAllitems?: boolean }
  register?: string
  notify: string[]
  /** Handler topics (`listen`). */
  listen: string[]
  changedWhen?: Condition[]
  failedWhen?: Condition[]
  until?: Condition
  /** A number, or a template rendered per host when the task runs. */
  retries?: number | string
  delay?: number | string
  /** Seconds any one command of the task may run before it is killed (Ansible's `timeout`). */
  timeout?: number
  /** A dynamic include_role (looped or templated): loads the role named by the rendered args,
   * as a block of its tasks, with its handlers. */
  includeRole?: (args: Vars) => { block: Block; handlers: Task[] }
}

export interface Block extends TaskCommon {
  kind: 'block'
  block: TaskNode[]
  rescue: TaskNode[]
  always: TaskNode[]
}

export type TaskNode = Task | Block
