// mail_daemons: which of a list of daemons run (read only, so --check sees the same list as the
// real run), and, with `state`, stop or start all of those that need it at once: the cutover
// stops old's courier daemons in parallel instead of one after the other inside its window.
// Same test of "running" as the cutover watchdog's record: systemd's is-active, else the init
// script's status.
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { read } from '../read.js'

export interface MailDaemonsArgs {
  names: string[]
  state?: 'started' | 'stopped'
}

export interface MailDaemonsState {
  /** Of `names`, those that exist on the host (a systemd unit or an init script). */
  found: string[]
  running: string[]
}

/** Per name: "F NAME" when it exists, "R NAME" when it runs. */
const GATHER = `for n in "$@"; do
  if [ -d /run/systemd/system ]; then
    [ -n "$(systemctl show -p LoadState --value -- "$n" 2>/dev/null | grep -v not-found)" ] || continue
    echo "F $n"; systemctl is-active --quiet -- "$n" && echo "R $n"
  else
    [ -x "/etc/init.d/$n" ] || continue
    echo "F $n"; "/etc/init.d/$n" status >/dev/null 2>&1 </dev/null && echo "R $n"
  fi
done
true`

/** $1 start|stop, then the names: all at once, each through systemctl or its init script (with
 * `service`'s clean environment when there is one); fails naming every daemon that failed.
 * postfix without systemd is stopped as `postfix stop` does it (SIGTERM to the master, then wait
 * until `master -t` finds it gone, SIGKILL to its process group after 5 s), but looking every
 * 20 ms: `postfix stop` sleeps a whole second when its first look finds the master still exiting,
 * and that second would be the cutover window's. Several instances (multi_instance_directories):
 * the init script, which stops each. */
const ACT = `a=$1; shift
if [ -d /run/systemd/system ]; then exec systemctl "$a" -- "$@"; fi
postfix_stop() {
  set -- $(postconf -hx daemon_directory queue_directory multi_instance_directories 2>/dev/null)
  [ $# = 2 ] || return 2
  dd=$1 qd=$2
  "$dd/master" -t 2>/dev/null && return 0
  pid=$(sed 1q "$qd/pid/master.pid") && kill "$pid" || return 1
  i=0
  while [ $i -lt 250 ]; do "$dd/master" -t 2>/dev/null && return 0; sleep 0.02; i=$((i + 1)); done
  kill -9 -"$pid"
}
d=$(mktemp -d) || exit 1
trap 'rm -rf "$d"' EXIT
for n in "$@"; do
  ( if [ "$a $n" = "stop postfix" ]; then postfix_stop; r=$?; [ $r = 2 ] || exit $r; fi
    if command -v service >/dev/null 2>&1; then service "$n" "$a"; else "/etc/init.d/$n" "$a"; fi
  ) </dev/null >"$d/$n" 2>&1 || echo "$n" >> "$d/.failed" &
done
wait
[ -e "$d/.failed" ] || exit 0
for n in $(cat "$d/.failed"); do echo "$a $n failed:" >&2; cat "$d/$n" >&2; done
exit 1`

export const mailDaemons = defineModule<MailDaemonsArgs, MailDaemonsState>({
  name: 'mail_daemons',
  description: 'Tell which of a list of daemons run; with state, start or stop all that need it at once (in parallel).',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['names'],
    properties: {
      names: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9@_.-]+$' }, description: 'Daemons (systemd units or /etc/init.d scripts); those the host does not have are left out.' },
      state: { enum: ['started', 'stopped'], description: 'Start (or stop) every one of names that exists and does not run (or runs), all at once. Without it the module only reads.' },
    },
  },
  example: `- name: Which courier daemons run on old
  mail_daemons:
    names: [courier-imap, courier-imap-ssl, courier-pop, courier-pop-ssl]
  register: courier      # courier.running: those that run
- name: Stop them, all at once
  mail_daemons:
    names: "{{ courier.running }}"
    state: stopped`,

  async gather(args, ctx) {
    const state: MailDaemonsState = { found: [], running: [] }
    if (args.names.length === 0) return state
    const r = await read(ctx, sh`sh -c ${GATHER} mail_daemons ${args.names}`, { what: 'reading which daemons run' })
    for (const line of r.stdout.split('\n')) {
      if (line.startsWith('F ')) state.found.push(line.slice(2))
      else if (line.startsWith('R ')) state.running.push(line.slice(2))
    }
    return state
  },

  plan(args, state) {
    const data = { found: state.found, running: state.running }
    const act = args.state === 'stopped' ? state.running : args.state === 'started' ? state.found.filter((n) => !state.running.includes(n)) : []
    const list = (xs: string[]): string => (xs.length ? xs.join(', ') : 'none')
    if (act.length === 0) {
      const reason = args.state === undefined ? `running: ${list(state.running)}` : args.state === 'stopped' ? `none of ${list(args.names)} runs` : `all of ${list(state.found)} run already`
      return { changes: [], data, reason }
    }
    const verb = args.state === 'stopped' ? 'stop' : 'start'
    const after = args.state === 'stopped' ? [] : state.found
    return {
      changes: [{ kind: 'exec', cmd: sh`sh -c ${ACT} mail_daemons ${verb} ${act}` }],
      // `running` stays what was read (the state before), as in the no-change case.
      data: { ...data, [verb === 'stop' ? 'stopped' : 'started']: act },
      diff: [{ path: 'running daemons', before: state.running.map((n) => `${n}\n`).join(''), after: after.map((n) => `${n}\n`).join('') }],
      msg: `${verb === 'stop' ? 'stopped' : 'started'} ${act.join(', ')}`,
    }
  },
})
