// sysctl: a kernel parameter's value, persisted as `name=value` in a sysctl file and set live.
import { argv, sh } from '../../connection/quote.js'
import { defineModule, type Change, type FileDiff } from '../module.js'
import { SECTION, readState, sections } from './common.js'

export interface SysctlArgs {
  name: string
  value?: string | number | boolean
  state: 'present' | 'absent'
  sysctl_file: string
  reload: boolean
  sysctl_set: boolean
  ignoreerrors: boolean
}

export interface SysctlState {
  /** Live value (`sysctl -n`), null when the key does not exist. */
  live: string | null
  /** The file's content, null when it does not exist. */
  file: string | null
}

/** Values compare with whitespace normalized (ports ranges are tab-separated live); yes/no are 1/0. */
export function normalizeValue(v: string | number | boolean): string {
  if (typeof v === 'boolean') return v ? '1' : '0'
  const s = String(v).trim().split(/\s+/).join(' ')
  return /^(yes|true|on)$/i.test(s) ? '1' : /^(no|false|off)$/i.test(s) ? '0' : s
}

/** sysctl treats net/ipv4/ip_forward and net.ipv4.ip_forward as the same key. */
const keyOf = (k: string): string => k.trim().replace(/\//g, '.')

/** The line's key when it sets one (`key = value`), else undefined (comments, blanks). */
function lineKey(line: string): string | undefined {
  const t = line.trim()
  if (t === '' || t.startsWith('#') || t.startsWith(';') || !t.includes('=')) return undefined
  return keyOf(t.slice(0, t.indexOf('=')).replace(/^-/, ''))
}

function lineValue(line: string): string {
  return normalizeValue(line.slice(line.indexOf('=') + 1))
}

/** The file with the key set once (first occurrence replaced, duplicates dropped) or removed. */
export function editSysctlFile(text: string, name: string, value: string | undefined): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n')
  const out: string[] = []
  let done = false
  for (const l of lines) {
    if (lineKey(l) !== keyOf(name)) out.push(l)
    // A line that already gives the value stays as written (`key = value` is not rewritten).
    else if (value !== undefined && !done) (out.push(lineValue(l) === value ? l : `${name}=${value}`), (done = true))
  }
  if (value !== undefined && !done) out.push(`${name}=${value}`)
  return out.length ? out.join('\n') + '\n' : ''
}

export const sysctl = defineModule<SysctlArgs, SysctlState>({
  name: 'sysctl',
  description: 'Set a kernel parameter: persisted in a sysctl file and, with reload, applied live.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'The key, like net.ipv4.ip_forward.' },
      value: { type: ['string', 'number', 'boolean'], description: 'Desired value (required with state present); whitespace is normalized, yes/no mean 1/0.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: the file sets the key to value; absent: no line of the file sets it (the live value is left alone).' },
      sysctl_file: { type: 'string', default: '/etc/sysctl.conf', description: 'The file holding the persisted line.' },
      reload: { type: 'boolean', default: true, description: 'Also set the live value (sysctl -w) when it differs, so it takes effect now.' },
      sysctl_set: { type: 'boolean', default: false, description: 'Same as reload for the live value (Ansible: verify the token value with sysctl and set it with -w).' },
      ignoreerrors: { type: 'boolean', default: false, description: 'Do not fail when the key does not exist on this kernel; only the file is written.' },
    },
  },
  example: `- name: The old host forwards the DNAT'd mail traffic
  sysctl:
    name: net.ipv4.ip_forward
    value: 1
    sysctl_file: /etc/sysctl.d/90-mail-migration.conf`,

  async gather(args, ctx) {
    const script = sh`sysctl -n -- ${args.name} 2>/dev/null || echo ${'!missing'}; echo ${SECTION}; if [ -e ${args.sysctl_file} ]; then echo file; cat -- ${args.sysctl_file}; fi`
    const [live = '', file = ''] = sections(await readState(ctx, script, `sysctl ${args.name}`), 2)
    const liveText = live.replace(/\n$/, '')
    return { live: liveText === '!missing' ? null : liveText, file: file.startsWith('file\n') ? file.slice(5) : null }
  },

  plan(args, state) {
    const before = state.file ?? ''
    const changes: Change[] = []
    const diff: FileDiff[] = []
    let value: string | undefined
    // A key with '=' or blanks would turn the persisted line into a different setting.
    if (/[=\s]/.test(args.name)) return { changes, failed: `invalid sysctl key '${args.name}'` }
    if (args.state === 'present') {
      if (args.value === undefined) return { changes, failed: 'value is required with state present' }
      if (/[\n\r]/.test(String(args.value))) return { changes, failed: `the value of ${args.name} must be one line` }
      value = normalizeValue(args.value)
      if (state.live === null && !args.ignoreerrors) return { changes, failed: `sysctl key ${args.name} does not exist on this host` }
    }
    const after = editSysctlFile(before, args.name, value)
    // Live first: the kernel rejects a bad value before it is persisted for the next boot.
    const live = state.live === null ? null : normalizeValue(state.live)
    if (value !== undefined && live !== null && live !== value && (args.reload || args.sysctl_set)) {
      changes.push({ kind: 'exec', cmd: argv(['sysctl', '-q', '-w', '--', `${args.name}=${value}`]) })
      diff.push({ path: `sysctl ${args.name} (live)`, before: `${live}\n`, after: `${value}\n` })
    }
    if (after !== before) {
      changes.push({ kind: 'put', path: args.sysctl_file, content: after })
      diff.push({ path: args.sysctl_file, before, after })
    }
    if (changes.length) return { changes, diff }
    if (value === undefined) return { changes, reason: `${args.sysctl_file} does not set ${args.name}` }
    const liveNote = args.reload || args.sysctl_set ? (live === null ? '' : ' and live') : ''
    return { changes, reason: `${args.name} is already ${value} in ${args.sysctl_file}${liveNote}` }
  },
})
