// Ask for a password on the terminal without echo. Synchronous on purpose: vars files are read
// synchronously, and a vault value is only met (so the password only asked for) while reading one.
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, readSync, writeSync } from 'node:fs'

/** Whether a prompt can be shown: stdin is a terminal (CI and pipes never block on a prompt). */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY)
}

/** The line typed after `question`, or undefined when there is no terminal or echo cannot be turned off. */
export function promptHidden(question: string): string | undefined {
  let fd: number
  try {
    fd = openSync('/dev/tty', 'r+')
  } catch {
    return undefined
  }
  try {
    const stty = (arg: string) => spawnSync('stty', [arg], { stdio: [fd, 'ignore', 'ignore'] }).status === 0
    // Never ask with echo on: the password would be on screen and in terminal scrollback.
    if (!stty('-echo')) return undefined
    try {
      writeSync(fd, question)
      return readLine(fd)
    } finally {
      stty('echo')
      writeSync(fd, '\n')
    }
  } finally {
    closeSync(fd)
  }
}

function readLine(fd: number): string {
  const bytes: number[] = []
  const one = Buffer.alloc(1)
  for (;;) {
    const n = readSync(fd, one, 0, 1, null)
    if (n === 0 || one[0] === 0x0a || one[0] === 0x0d) break
    bytes.push(one[0]!)
  }
  return Buffer.from(bytes).toString('utf8')
}
