// timer: start, read or stop a named stopwatch on the controller (the cutover's outage window).
// The clock lives in this process, so a rescue section of the same run can still read it.
import { defineModule } from '../module.js'

export interface TimerArgs {
  name: string
  state: 'started' | 'read' | 'stopped'
  label: string
}

export interface TimerState {
  now: number
  /** When the timer was started (ms since the epoch), if it runs. */
  startedAt?: number
}

const clocks = new Map<string, number>()

/** '12.3' for 12 345 ms: one decimal, as the reports print it. */
export function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(1)
}

export const timer = defineModule<TimerArgs, TimerState>({
  name: 'timer',
  description: "Start, read or stop a named stopwatch on the controller; read/stop report '<label>: N.N s'.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Name of the timer; one run may hold several.' },
      state: { enum: ['started', 'read', 'stopped'], default: 'read', description: 'started (re)starts it; read reports the time so far; stopped reports it and forgets it.' },
      label: { type: 'string', default: 'outage window', description: 'Text before the seconds in the message.' },
    },
  },
  example: `- timer: { name: cutover, state: started }
# ... the critical path ...
- timer: { name: cutover, state: stopped }
  register: outage        # outage.seconds, outage.msg = "outage window: 41.2 s"`,

  async gather(args) {
    return { now: Date.now(), startedAt: clocks.get(args.name) }
  },

  plan(args, state) {
    if (args.state === 'started') {
      return {
        changes: [{ kind: 'call', describe: `start timer ${args.name}`, run: async () => (clocks.set(args.name, state.now), { changed: false }) }],
        data: { started_at: state.now / 1000 },
        msg: `timer ${args.name} started`,
      }
    }
    // In --check nothing was started: report zero rather than fail, so check mode walks on.
    const ms = state.startedAt === undefined ? 0 : state.now - state.startedAt
    const running = state.startedAt !== undefined
    const msg = `${args.label}: ${seconds(ms)} s${running ? '' : ' (timer not started)'}`
    const data = { seconds: Number(seconds(ms)), elapsed: seconds(ms), running, msg }
    if (args.state === 'stopped' && running) {
      return { changes: [{ kind: 'call', describe: `stop timer ${args.name}`, run: async () => (clocks.delete(args.name), { changed: false }) }], data, msg }
    }
    return { changes: [], data, msg, reason: msg }
  },
})
