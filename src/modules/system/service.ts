// service: start/stop/restart/reload a service and enable it at boot, through systemd when it
// runs, else the sysvinit script in /etc/init.d (hosts without systemd, like the lab's).
import { argv, sh } from '../../connection/quote.js'
import { defineModule, type Change } from '../module.js'
import { attrDiff, readState } from './common.js'

export interface ServiceArgs {
  name: string
  state?: 'started' | 'stopped' | 'restarted' | 'reloaded'
  enabled?: boolean
  pattern?: string
}

export interface ServiceState {
  manager: 'systemd' | 'sysv'
  /** sysv: /etc/init.d/NAME exists and is executable (systemd: the unit is known). */
  found: boolean
  running: boolean
  enabled: boolean
  /** sysv: run actions through `service` (clean environment) when it is installed. */
  serviceTool: boolean
}

// Reads everything in one script. The pattern comes on stdin so it is in no process's command
// line, or the scan would find this very script. systemd is detected by /run/systemd/system.
export const SERVICE_GATHER = `N=$1
if [ -d /run/systemd/system ]; then
  echo manager=systemd
  if [ -n "$(systemctl show -p LoadState --value -- "$N" 2>/dev/null | grep -v not-found)" ]; then echo found=1; else echo found=0; fi
  systemctl is-active --quiet -- "$N" && echo running=1 || echo running=0
  systemctl is-enabled --quiet -- "$N" 2>/dev/null && echo enabled=1 || echo enabled=0
  exit 0
fi
echo manager=sysv
command -v service >/dev/null 2>&1 && echo service=1
S=/etc/init.d/$N
[ -f "$S" ] && [ -x "$S" ] && echo found=1 || echo found=0
P=$(cat)
if [ -n "$P" ]; then
  r=0
  for d in /proc/[0-9]*; do
    case "\${d#/proc/}" in "$$"|"$PPID") continue ;; esac
    c=$(tr '\\000' ' ' < "$d/cmdline" 2>/dev/null) || continue
    case "$c" in *"$P"*) r=1; break ;; esac
  done
  echo running=$r
elif [ -f "$S" ] && [ -x "$S" ]; then
  "$S" status >/dev/null 2>&1 </dev/null && echo running=1 || echo running=0
fi
for l in /etc/rc[2345].d/S[0-9][0-9]"$N"; do [ -e "$l" ] && { echo enabled=1; break; }; done
exit 0`

export function parseServiceState(out: string): ServiceState {
  const kv = new Map(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
  return {
    manager: kv.get('manager') === 'systemd' ? 'systemd' : 'sysv',
    found: kv.get('found') === '1',
    running: kv.get('running') === '1',
    enabled: kv.get('enabled') === '1',
    serviceTool: kv.get('service') === '1',
  }
}

export const service = defineModule<ServiceArgs, ServiceState>({
  name: 'service',
  description: 'Start, stop, restart or reload a service and enable it at boot (systemd or /etc/init.d scripts).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Service name: the systemd unit, or the script in /etc/init.d.' },
      state: {
        enum: ['started', 'stopped', 'restarted', 'reloaded'],
        description: 'started/stopped act only when needed; restarted and reloaded always act (and report changed). Reloading a stopped service starts it.',
      },
      enabled: { type: 'boolean', description: 'Whether the service starts at boot (systemctl enable, or update-rc.d and the /etc/rc?.d/S* links).' },
      pattern: { type: 'string', minLength: 1, description: "sysvinit only: the service runs when a process's command line contains this text (for scripts without a working status)." },
    },
  },
  example: `- name: Postfix runs and starts at boot
  service:
    name: postfix
    state: started
    enabled: true`,

  async gather(args, ctx) {
    // The name becomes a path under /etc/init.d: refuse anything that could leave that folder.
    if (args.name.includes('/') || args.name === '.' || args.name === '..') return { manager: 'sysv', found: false, running: false, enabled: false, serviceTool: false }
    const out = await readState(ctx, sh`/bin/sh -c ${SERVICE_GATHER} tsplay-service ${args.name}`, `the state of service ${args.name}`, args.pattern ?? '')
    return parseServiceState(out)
  },

  plan(args, state) {
    if (args.state === undefined && args.enabled === undefined) return { changes: [], failed: 'Give state and/or enabled for service ' + args.name }
    if (!state.found) return { changes: [], failed: `Could not find the requested service ${args.name}: no ${state.manager === 'systemd' ? 'systemd unit' : `script /etc/init.d/${args.name}`}` }
    const n = args.name
    const act = (a: string): string =>
      state.manager === 'systemd' ? argv(['systemctl', a, '--', n]) : state.serviceTool ? argv(['service', n, a]) : argv([`/etc/init.d/${n}`, a])
    const changes: Change[] = []
    const why: string[] = []
    let running = state.running
    switch (args.state) {
      case 'started':
        if (state.running) why.push('is already running')
        else (changes.push({ kind: 'exec', cmd: act('start') }), (running = true))
        break
      case 'stopped':
        if (!state.running) why.push('is already stopped')
        else (changes.push({ kind: 'exec', cmd: act('stop') }), (running = false))
        break
      case 'restarted':
        changes.push({ kind: 'exec', cmd: act(state.running ? 'restart' : 'start') })
        running = true
        break
      case 'reloaded':
        changes.push({ kind: 'exec', cmd: act(state.running ? 'reload' : 'start') })
        running = true
        break
    }
    let enabled = state.enabled
    if (args.enabled !== undefined) {
      if (args.enabled === state.enabled) why.push(`is already ${state.enabled ? 'enabled' : 'disabled'}`)
      else {
        enabled = args.enabled
        if (state.manager === 'systemd') changes.push({ kind: 'exec', cmd: argv(['systemctl', args.enabled ? 'enable' : 'disable', '--', n]) })
        // `defaults` creates the links from the script's LSB header when there are none yet;
        // `enable` turns existing K links back into S links.
        else if (args.enabled) changes.push({ kind: 'exec', cmd: `${argv(['update-rc.d', n, 'defaults'])} && ${argv(['update-rc.d', n, 'enable'])}` })
        else changes.push({ kind: 'exec', cmd: argv(['update-rc.d', n, 'disable']) })
      }
    }
    if (changes.length === 0) return { changes, reason: `service ${n} ${why.join(' and ')}` }
    const view = (r: boolean, e: boolean): Record<string, string> => ({
      ...(args.state !== undefined ? { state: r ? 'running' : 'stopped' } : {}),
      ...(args.enabled !== undefined ? { enabled: e ? 'yes' : 'no' } : {}),
    })
    return { changes, diff: [attrDiff(`service ${n}`, view(state.running, state.enabled), view(running, enabled))] }
  },
})
