// Real event sequences, shaped as the executor emits them, shared by the reporter tests.
import { PassThrough } from 'node:stream'
import type { RunEvent } from '../../src/events.js'
import type { TaskResult } from '../../src/executor/result.js'
import { emptyStats } from '../../src/executor/result.js'

export const pos = (line: number) => ({ file: 'site.yml', line, col: 7 })

export function result(status: TaskResult['status'], extra: Partial<TaskResult> = {}): TaskResult {
  return { status, data: {}, durationMs: 12, ...extra }
}

/** A stream that keeps what is written, for asserting on the exact text. */
export function sink(): { out: NodeJS.WritableStream; text: () => string } {
  const out = new PassThrough()
  let buf = ''
  out.on('data', (c: Buffer) => (buf += c.toString()))
  return { out, text: () => buf }
}

export function strip(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
}

/** Migrating a mailbox host: a template with a diff, a command, a failure, a handler, the recap. */
export function mailRun(): RunEvent[] {
  return [
    { kind: 'run-start', playbook: 'site.yml', check: false, diff: true },
    { kind: 'play-start', name: 'mail servers', hosts: ['mx1', 'mx2'], pos: pos(1) },
    { kind: 'task-start', name: 'postfix main.cf', pos: pos(5), hosts: ['mx1', 'mx2'], handler: false, role: 'postfix' },
    {
      kind: 'task-result', host: 'mx1', task: 'postfix main.cf', pos: pos(5),
      result: result('changed', {
        diff: [{ path: '/etc/postfix/main.cf', before: 'a = 1\nb = 2\n', after: 'a = 1\nb = 3\n' }],
      }),
    },
    { kind: 'task-result', host: 'mx2', task: 'postfix main.cf', pos: pos(5), result: result('ok', { msg: 'content already matches' }) },
    { kind: 'task-start', name: 'sync mailboxes', pos: pos(9), hosts: ['mx1', 'mx2'], handler: false },
    { kind: 'output', host: 'mx1', task: 'sync mailboxes', stream: 'stdout', chunk: 'sending inc' },
    { kind: 'output', host: 'mx1', task: 'sync mailboxes', stream: 'stdout', chunk: 'remental list\nalice/\n' },
    {
      kind: 'task-result', host: 'mx1', task: 'sync mailboxes', pos: pos(9),
      result: result('changed', { data: { rc: 0, stdout: 'alice/\nbob/\n', stderr: '' } }),
    },
    {
      kind: 'task-result', host: 'mx2', task: 'sync mailboxes', pos: pos(9),
      result: result('failed', {
        msg: 'Command failed with exit code 23: rsync -a /var/mail/ mx3:/var/mail/',
        data: { rc: 23, stdout: '', stderr: 'rsync: connection unexpectedly closed\n' },
      }),
    },
    { kind: 'warning', message: 'mx2 is no longer in the play after a failure' },
    { kind: 'task-start', name: 'restart postfix', pos: pos(20), hosts: ['mx1'], handler: true, role: 'postfix' },
    { kind: 'task-result', host: 'mx1', task: 'restart postfix', pos: pos(20), result: result('changed') },
    {
      kind: 'recap',
      hosts: {
        mx1: { ...emptyStats(), ok: 3, changed: 3 },
        mx2: { ...emptyStats(), ok: 1, failed: 1 },
      },
    },
    { kind: 'run-end', exitCode: 2, durationMs: 3400 },
  ]
}
