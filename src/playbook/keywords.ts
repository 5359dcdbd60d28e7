// Which keys a play, task or block may have, and the JSON schemas of their types. Types are
// checked at load; values inside strings ({{ }}) are left to the executor after templating.

const str = { type: 'string' }
const bool = { type: 'boolean' }
const strOrList = { anyOf: [str, { type: 'array', items: { type: ['string', 'number'] } }] }
const tags = { anyOf: [{ type: ['string', 'number'] }, { type: 'array', items: { type: ['string', 'number'] } }] }
const condition = { anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] } }] }
const env = { anyOf: [str, { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } }] }
const obj = { type: ['object', 'null'] }
const list = { type: ['array', 'null'] }

/** Keywords a task and a block share (TaskCommon). */
const commonProps = {
  name: str,
  when: condition,
  tags,
  vars: obj,
  become: bool,
  become_user: str,
  become_password: str,
  environment: env,
  ignore_errors: { type: ['boolean', 'string'] },
  ignore_unreachable: bool,
  no_log: bool,
  check_mode: bool,
  diff: bool,
  delegate_to: str,
  run_once: bool,
  any_errors_fatal: bool,
  // Used when the host's vars do not say: as in Ansible, ansible_connection / ansible_user win.
  connection: str,
  remote_user: str,
  become_method: str,
}

/** with_X → the lookup whose results the task loops over (`with_dict` is query('dict', ...)). */
export const WITH_LOOKUPS: Record<string, string> = {
  with_items: 'items',
  with_list: 'list',
  with_dict: 'dict',
  with_sequence: 'sequence',
  with_together: 'together',
  with_nested: 'nested',
  with_cartesian: 'cartesian',
  with_subelements: 'subelements',
  with_fileglob: 'fileglob',
  with_lines: 'lines',
  with_first_found: 'first_found',
  with_indexed_items: 'indexed_items',
  with_file: 'file',
  with_env: 'env',
  with_vars: 'vars',
}

export const TASK_SCHEMA = {
  type: 'object',
  properties: {
    ...commonProps,
    loop: {},
    ...Object.fromEntries(Object.keys(WITH_LOOKUPS).map((k) => [k, {}])),
    loop_control: {
      type: 'object',
      properties: {
        label: {},
        loop_var: str,
        index_var: str,
        pause: { anyOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '\\{\\{' }] },
        extended: { type: ['boolean', 'string'] },
        extended_allitems: bool,
      },
      additionalProperties: false,
    },
    register: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    notify: strOrList,
    listen: strOrList,
    changed_when: condition,
    failed_when: condition,
    until: { type: ['string', 'boolean'] },
    retries: { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '\\{\\{' }] },
    delay: { oneOf: [{ type: 'number', minimum: 0 }, { type: 'string', pattern: '\\{\\{' }] },
    timeout: { type: 'number', exclusiveMinimum: 0 },
    args: obj,
  },
}

export const BLOCK_SCHEMA = {
  type: 'object',
  properties: { ...commonProps, block: list, rescue: list, always: list },
}

export const TASK_KEYWORDS = Object.keys(TASK_SCHEMA.properties)
export const BLOCK_KEYWORDS = Object.keys(BLOCK_SCHEMA.properties)
export const BOOL_KEYWORDS = ['become', 'ignore_errors', 'ignore_unreachable', 'no_log', 'check_mode', 'diff', 'run_once', 'any_errors_fatal', 'gather_facts']

/** Keywords that flow down from a play, role reference or import into the tasks under it. */
export const INHERITED_KEYWORDS = ['become', 'become_user', 'become_password', 'environment', 'ignore_errors', 'ignore_unreachable', 'no_log', 'check_mode', 'diff', 'delegate_to', 'run_once', 'any_errors_fatal', 'connection', 'remote_user', 'become_method'] as const

/** become_method values tsplay can run. */
export const BECOME_METHODS = ['sudo', 'su']
/** connection values tsplay can run (smart and paramiko are Ansible's names for ssh). */
export const CONNECTIONS = ['local', 'ssh', 'smart', 'paramiko']

export const PLAY_SCHEMA = {
  type: 'object',
  properties: {
    name: str,
    hosts: strOrList,
    vars: obj,
    vars_files: { type: ['array', 'null'], items: strOrList },
    roles: { type: ['array', 'null'], items: { type: ['string', 'object'] } },
    pre_tasks: list,
    tasks: list,
    post_tasks: list,
    handlers: list,
    serial: { anyOf: [{ type: ['integer', 'string'] }, { type: 'array', items: { type: ['integer', 'string'] } }] },
    gather_facts: bool,
    become: bool,
    become_user: str,
    any_errors_fatal: bool,
    max_fail_percentage: { type: 'number', minimum: 0, maximum: 100 },
    strategy: { anyOf: [{ enum: ['linear', 'free'] }, { type: 'string', pattern: '\\{\\{' }] },
    connection: str,
    remote_user: str,
    become_method: str,
    gather_subset: {},
    gather_timeout: {},
    tags,
    environment: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } },
    check_mode: bool,
    no_log: bool,
    ignore_errors: { type: ['boolean', 'string'] },
    ignore_unreachable: bool,
    diff: bool,
  },
  required: ['hosts'],
  additionalProperties: false,
}


/** Ansible keywords tsplay does not implement, with what to do instead. */
export const UNSUPPORTED: Record<string, string> = {
  vars_prompt: 'Pass the values with -e instead.',
  port: 'Set ansible_port for the host in the inventory.',
  become_flags: 'tsplay becomes with sudo only; remove the keyword.',
  become_exe: 'tsplay becomes with sudo only; remove the keyword.',
  order: 'Hosts run in inventory order; remove the keyword.',
  force_handlers: 'Use meta: flush_handlers before the risky tasks.',
  fact_path: 'Remove the keyword.',
  module_defaults: 'Give the args on each task.',
  collections: 'Use the short module name (copy, not ansible.builtin.copy) or keep the FQCN; remove the keyword.',
  debugger: 'Remove the keyword.',
  throttle: 'Use serial on the play.',
  async: 'tsplay runs tasks synchronously; remove async/poll.',
  poll: 'tsplay runs tasks synchronously; remove async/poll.',
  delegate_facts: 'Remove the keyword.',
  with_template: 'Use the template module.',
  with_random_choice: 'Pick the value in a template.',
}

/** What a keyword takes, in words, for type errors (ajv's "must be string" misleads on unions). */
export const EXPECTED: Record<string, string> = {
  when: 'a condition, true/false, or a list of them',
  changed_when: 'a condition, true/false, or a list of them',
  failed_when: 'a condition, true/false, or a list of them',
  until: 'a condition',
  tags: 'a tag or a list of tags',
  notify: 'a handler name or a list of them',
  listen: 'a topic or a list of them',
  environment: 'a mapping of NAME: value (or a template string)',
  vars: 'a mapping of names to values',
  args: 'a mapping of module args',
  loop_control: 'a mapping (loop_var, label, index_var, pause, extended, extended_allitems)',
  hosts: 'a host pattern or a list of them',
  vars_files: 'a list of file names',
  roles: 'a list of roles',
  pre_tasks: 'a list of tasks',
  tasks: 'a list of tasks',
  post_tasks: 'a list of tasks',
  handlers: 'a list of handlers',
  block: 'a list of tasks',
  rescue: 'a list of tasks',
  always: 'a list of tasks',
  serial: "a number, a percentage like '30%', or a list of those",
  retries: 'a whole number (or a {{ template }})',
  delay: 'a number of seconds (or a {{ template }})',
  timeout: 'a number of seconds above 0',
  register: 'a variable name (letters, digits, _)',
}
