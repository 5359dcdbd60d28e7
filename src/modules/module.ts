// The module contract: a module reads state (gather) and plans (pure); the shared runner
// (src/executor/apply.ts) acts. --check is "plan, do not apply", so check mode is right for free.
import type { BecomeOptions, Connection, ExecResult } from '../connection/connection.js'
import type { SourcePos } from '../errors.js'
import type { OnProgress } from '../executor/progress.js'

/** Before/after of one thing (a file's content, a user's attributes, a rule set). */
export interface FileDiff {
  /** What is compared, shown in the diff header: a path, 'user alice', 'iptables nat'. */
  path: string
  before: string
  after: string
}

/** One step the runner performs on the target. Plain data, so check mode can show it. */
export type Change =
  | {
      kind: 'exec'
      cmd: string
      stdin?: string | Buffer
      env?: Record<string, string>
      cwd?: string
      /** Exit codes that count as success (default [0]). */
      okCodes?: number[]
      /** Put this command's rc/stdout/stderr into the task result (command, shell, raw). */
      capture?: boolean
      /** Decide afterwards whether this command changed anything (rsync itemize, etc.). */
      changedWhen?: (r: ExecResult) => boolean
      /** Extra result fields parsed from the output; `elapsedMs` is how long the command ran. */
      parse?: (r: ExecResult, elapsedMs: number) => Record<string, unknown>
      timeoutMs?: number
      /** Runs without become even when the task has it (rare). */
      noBecome?: boolean
      /** false: --check does not count this step as a change, because gather's state shows it
       * will change nothing (apt's cache refresh before an install, an upgrade that only a fresh
       * cache may bring). The run still asks changedWhen. */
      predicted?: false
      /** Where the command runs: the task's host (default), the controller (as its own user,
       * never with the task's become: synchronize push/pull) or another inventory host
       * (synchronize's src_host). */
      on?: 'controller' | { host: string }
      /** Reads the command's stdout for progress counts (rsync's progress2 line); commands that
       * cannot, report through `tsplay-progress` stderr lines instead. */
      progress?: (emit: OnProgress) => (stdout: string) => void
    }
  | {
      kind: 'put'
      path: string
      content: string | Buffer
      mode?: string | number
      owner?: string
      group?: string
    }
  | {
      /** Copy a file of the target to the controller (fetch): the folder is made, the bytes
       * are checked against `checksum` (the sha1 gather read) before they are written. */
      kind: 'fetch'
      src: string
      dest: string
      checksum?: string
    }
  | {
      /** Escape hatch for steps that act on no host at all (the controller's own timers).
       * `describe` is what check mode and -v show. */
      kind: 'call'
      describe: string
      run: (ctx: ModuleContext) => Promise<CallOutcome>
    }

export interface CallOutcome {
  changed?: boolean
  failed?: string
  data?: Record<string, unknown>
}

/** What a module returns from plan(): what to do, or why nothing needs doing. */
export interface Plan {
  changes: Change[]
  /** Before/after, shown with --diff. */
  diff?: FileDiff[]
  /** Why nothing changes ("line already present"), or a summary of what will. */
  reason?: string
  /** Values for `register` (stat results, slurp content, debug msg...). */
  data?: Record<string, unknown>
  /** Facts to set on the host (set_fact, setup). */
  facts?: Record<string, unknown>
  /** The module decided the task fails (assert, fail, impossible request). */
  failed?: string
  /** The module decided the task does not apply at all (debug above the -v level): skipped, with this reason. */
  skipped?: string
  /** Message shown for the task (debug). */
  msg?: string
  /** Data for a section of the run report (the `report` module): sent as a `report` event. */
  report?: ReportData
  /** Paths (folders, files) the changes create: in --check, later tasks see them as planned
   * (ctx.planned), so a file into a planned folder is a predicted creation. */
  makes?: string[]
}

/** One contribution to the HTML run report (docs/report.md). */
export interface ReportData {
  section: string
  data: Record<string, unknown>
}

export interface ModuleContext {
  /** Connection to the host the task acts on (after delegate_to). */
  conn: Connection
  /** inventory_hostname of the host the task runs for. */
  host: string
  check: boolean
  diff: boolean
  become?: BecomeOptions
  /** Every variable visible to the task (for modules that render templates). */
  vars: Record<string, unknown>
  /** Absolute controller path of a file the task refers to: role files/ or templates/ first,
   * then the playbook's folder. Throws a TsplayError naming the task when missing. */
  findFile(kind: 'files' | 'templates' | 'vars', rel: string): string
  /** Render a Handlebars template text with vars; `file` is named in errors. */
  render(text: string, vars: Record<string, unknown>, file: string): string
  /** A connection to another inventory host (synchronize between hosts, delegate). */
  connectionTo(host: string): Promise<Connection>
  /** A new connection to the task's host in place of the cached one (after a reboot), opened
   * with this connect timeout; later tasks use it too. Rejects with UnreachableError. */
  reconnect?: (connectTimeoutMs: number) => Promise<Connection>
  /** The controller itself (fetch, local side of sync). */
  controller: Connection
  taskPos: SourcePos
  /** Where each of the task's args is written, so a bad value (ArgError) points at its line. */
  argPos?: Record<string, SourcePos>
  /** Live output of long commands. */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void
  /** Counts of a long step (files, bytes, totals) as they grow; the runner adds rate and ETA
   * and turns them into `progress` events. Commands run by the runner report through
   * `tsplay-progress` stderr lines (src/executor/progress.ts). */
  onProgress?: OnProgress
  signal?: AbortSignal
  /** The task's `timeout:` in ms; every command of the task is killed after it. */
  timeoutMs?: number
  /** In --check only: the paths earlier tasks planned to create on this host (Plan.makes), so a
   * module can plan a file into a planned folder instead of refusing a folder that the real run
   * will have made, and a creates/removes guard sees a planned file. */
  planned?: PlannedPaths
}

/** The paths a --check run planned to create on one host; `has` is true for them and every folder
 * above them (the run makes those too). */
export interface PlannedPaths {
  has(dir: string): boolean
  add(dir: string): void
}

export interface Module<Args = Record<string, unknown>, State = unknown> {
  name: string
  /** One line, shown by `tsplay doc`. */
  description: string
  /** JSON schema of the args (ajv): validation, the Args type and `tsplay doc` come from it.
   * Each property should have a `description`; `default` values are applied by ajv. */
  schema: object
  /** A YAML task example for `tsplay doc`. */
  example?: string
  /** Key that takes free-form text (`command: ls -l` → { cmd: 'ls -l' }). */
  freeForm?: string
  /** 'skip': in --check the task is skipped when it has changes (command, shell, raw); a function
   * decides from the args (command with creates/removes predicts "would have run").
   * 'verify': the module checks what the run has made (a login probe): in --check those changes
   * were only predicted, so it is skipped without reading, and no role needs `when: not
   * ansible_check_mode` for it. A function decides from the args (smtp_probe with `verifies`). */
  checkMode?: 'plan' | 'skip' | 'verify' | ((args: Args) => 'plan' | 'skip' | 'verify')
  /** Read current state over the connection. Reading only: never changes the target. */
  gather(args: Args, ctx: ModuleContext): Promise<State>
  /** Pure: from args and state, the changes and diff, or the reason nothing changes. */
  plan(args: Args, state: State, ctx: PlanContext): Plan
}

/** What plan() may know besides args and state: no connection, no I/O. */
export interface PlanContext {
  host: string
  check: boolean
  diff: boolean
}

/** Helper so a module file gets its Args type checked against the contract. */
export function defineModule<Args, State>(m: Module<Args, State>): Module<Args, State> {
  return m
}
