// service_facts: whether services run and start at boot, as ansible_facts.services (Ansible's
// shape), read the way the service module reads one service (systemd when it runs, else the
// /etc/init.d script's status). Reads only, so it runs in --check as in a real run.
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { readState } from './common.js'
import { parseServiceState, SERVICE_GATHER, type ServiceState } from './service.js'

export interface ServiceFactsArgs {
  names: string[] | null
}

export interface ServiceFactsState {
  /** name → what the service module's read found. */
  services: Record<string, ServiceState>
}

export interface ServiceFact {
  name: string
  state: 'running' | 'stopped'
  status: 'enabled' | 'disabled'
  source: 'systemd' | 'sysv'
}

const MARK = '@@tsplay-service@@'

// Without names: every systemd service unit, or every script in /etc/init.d. The service
// module's own read then runs once per name (stdin empty: no pattern).
const ALL = `if [ -d /run/systemd/system ]; then
  systemctl list-unit-files --type=service --no-legend --no-pager 2>/dev/null | awk '{print $1}' | sed -n 's/\\.service$//p' | grep -v '@$'
else
  for s in /etc/init.d/*; do [ -f "$s" ] && [ -x "$s" ] && echo "\${s##*/}"; done
fi`
const EACH = `G=$1; all=$2; shift 2
[ "$all" = no ] || set -- $(${ALL})
for n; do echo "${MARK} $n"; /bin/sh -c "$G" tsplay-service "$n" </dev/null; done`

/** The gather output: one `MARK name` line, then the service module's key=value lines. */
export function parseServices(out: string): Record<string, ServiceState> {
  const services: Record<string, ServiceState> = {}
  for (const part of out.split(`${MARK} `).slice(1)) {
    const nl = part.indexOf('\n')
    const name = (nl < 0 ? part : part.slice(0, nl)).trim()
    if (name) services[name] = parseServiceState(nl < 0 ? '' : part.slice(nl + 1))
  }
  return services
}

export const serviceFacts = defineModule<ServiceFactsArgs, ServiceFactsState>({
  name: 'service_facts',
  description: 'Read whether services run and start at boot into ansible_facts.services (systemd or /etc/init.d scripts).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      names: {
        type: ['array', 'null'],
        items: { type: 'string', pattern: '^[A-Za-z0-9@._+-]+$' },
        default: null,
        description: 'Only these services (tsplay; Ansible reads all); an empty list reads none. A name the host does not have is left out of the facts.',
      },
    },
  },
  example: `- service_facts:
    names: [postfix, courier-imap]

- debug:
    msg: "postfix is {{ ansible_facts.services.postfix.state }}"`,

  async gather(args, ctx) {
    const out = await readState(ctx, sh`/bin/sh -c ${EACH} tsplay-service-facts ${SERVICE_GATHER} ${args.names === null ? 'yes' : 'no'} ${args.names ?? []}`, 'the state of the services')
    return { services: parseServices(out) }
  },

  plan(_args, state) {
    const services: Record<string, ServiceFact> = {}
    for (const [name, s] of Object.entries(state.services)) {
      if (!s.found) continue
      // Ansible's keys: the unit name under systemd, the script's name under sysvinit.
      const key = s.manager === 'systemd' ? `${name}.service` : name
      services[key] = { name: key, state: s.running ? 'running' : 'stopped', status: s.enabled ? 'enabled' : 'disabled', source: s.manager }
    }
    // The names the host has and the ones that run, as asked (no .service suffix): what a
    // playbook usually wants.
    const found = Object.entries(state.services).filter(([, s]) => s.found).map(([n]) => n)
    const running = Object.entries(state.services).filter(([, s]) => s.found && s.running).map(([n]) => n)
    return {
      changes: [],
      facts: { services },
      data: { found, running },
      reason: `${Object.keys(services).length} services read, ${running.length} running`,
    }
  },
})
