// Live command output (-vv): chunks arrive cut anywhere, so lines are reassembled per host and stream.
import type { EventOf } from '../events.js'

type OutputEvent = EventOf<'output'>

export class LiveOutput {
  private readonly partial = new Map<string, string>()

  /** Complete lines of this chunk, formatted `<host> stdout: line`; the rest waits for more. */
  push(e: OutputEvent): string {
    const key = `${e.host}\0${e.stream}`
    const text = (this.partial.get(key) ?? '') + e.chunk
    const cut = text.lastIndexOf('\n')
    if (cut < 0) {
      this.partial.set(key, text)
      return ''
    }
    this.partial.set(key, text.slice(cut + 1))
    return format(e.host, e.stream, text.slice(0, cut))
  }

  /** What is left for one host (its task finished) or for every host (the run ended). */
  flush(host?: string): string {
    let out = ''
    for (const [key, rest] of this.partial) {
      const [h, stream] = key.split('\0') as [string, string]
      if (host !== undefined && h !== host) continue
      if (rest !== '') out += format(h, stream, rest)
      this.partial.delete(key)
    }
    return out
  }
}

function format(host: string, stream: string, text: string): string {
  return text.split('\n').map((l) => `<${host}> ${stream}: ${l.replace(/\r$/, '')}\n`).join('')
}
