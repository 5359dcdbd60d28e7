// pause: wait a while without asking anything. The wait happens while gathering, so it also
// pauses in --check, like Ansible.
import { InterruptedError } from '../../errors.js'
import { defineModule } from '../module.js'

export interface PauseArgs {
  seconds?: number | string
  minutes?: number | string
  prompt?: string
}

export interface PauseState {
  /** Milliseconds actually waited. */
  waitedMs: number
  start: string
  stop: string
}

/** The requested pause in ms, or a message saying what is wrong. */
export function pauseMs(args: PauseArgs): number | string {
  const s = args.seconds !== undefined ? Number(args.seconds) : args.minutes !== undefined ? Number(args.minutes) * 60 : undefined
  if (s === undefined) return 'pause needs seconds or minutes: tsplay never waits for keyboard input'
  if (!Number.isFinite(s) || s < 0) return `pause length must be a non-negative number, got ${String(args.seconds ?? args.minutes)}`
  return Math.round(s * 1000)
}

export const pause = defineModule<PauseArgs, PauseState>({
  name: 'pause',
  description: 'Wait for a number of seconds or minutes (never waits for input).',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      seconds: { type: ['number', 'string'], description: 'Seconds to wait.' },
      minutes: { type: ['number', 'string'], description: 'Minutes to wait.' },
      prompt: { type: 'string', description: 'Text shown as the task message while waiting.' },
    },
  },
  example: `- name: Let the DNS change settle
  pause:
    minutes: 5`,

  async gather(args, ctx) {
    const ms = pauseMs(args)
    const start = new Date()
    if (typeof ms === 'number') await sleep(ms, ctx.signal)
    const stop = new Date()
    return { waitedMs: stop.getTime() - start.getTime(), start: start.toISOString(), stop: stop.toISOString() }
  },

  plan(args, state) {
    const ms = pauseMs(args)
    if (typeof ms === 'string') return { changes: [], failed: ms }
    const seconds = ms / 1000
    return {
      changes: [],
      reason: args.prompt ?? `Paused for ${seconds} seconds`,
      data: { start: state.start, stop: state.stop, delta: Math.round(state.waitedMs / 1000), echo: true, user_input: '' },
    }
  },
})

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError('Interrupted during pause'))
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(t)
      reject(new InterruptedError('Interrupted during pause'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
