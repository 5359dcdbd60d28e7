// Hides every known secret from a reporter: each event is masked before the reporter sees it,
// whatever it then prints (text, JSON, live lines).
import type { Reporter, RunEvent } from '../events.js'
import type { SecretRegistry } from '../vault/secrets.js'

type OutputEvent = Extract<RunEvent, { kind: 'output' }>

export class MaskingReporter implements Reporter {
  /** Live output arrives cut anywhere, possibly inside a secret: whole lines only are passed on. */
  private readonly partial = new Map<string, OutputEvent>()

  constructor(
    private readonly inner: Reporter,
    private readonly secrets: SecretRegistry,
  ) {}

  on(e: RunEvent): void {
    if (e.kind === 'output') return this.output(e)
    if (e.kind === 'task-result') this.flush(e.host)
    if (e.kind === 'run-end') this.flush()
    this.inner.on(this.secrets.maskDeep(e))
  }

  async close(): Promise<void> {
    this.flush()
    await this.inner.close()
  }

  private output(e: OutputEvent): void {
    const key = `${e.host}\0${e.stream}`
    const chunk = (this.partial.get(key)?.chunk ?? '') + e.chunk
    const cut = chunk.lastIndexOf('\n') + 1
    this.partial.set(key, { ...e, chunk: chunk.slice(cut) })
    if (cut > 0) this.inner.on(this.secrets.maskDeep({ ...e, chunk: chunk.slice(0, cut) }))
  }

  /** Pass on what is left of one host's lines (its task ended), or of every host's. */
  private flush(host?: string): void {
    for (const [key, e] of this.partial) {
      if (host !== undefined && e.host !== host) continue
      this.partial.delete(key)
      if (e.chunk !== '') this.inner.on(this.secrets.maskDeep(e))
    }
  }
}
