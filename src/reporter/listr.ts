// The live task line on a terminal, drawn by listr2. The only file that imports listr2.
//
// listr2 is promise-driven and fixes a list's tasks when it starts running, while a play's
// tasks are only known as events arrive. So each TASK is a one-task list whose promise we settle
// from events; lists run one after another and each stays on screen when done, which reads as
// the play's task list under its PLAY banner.
import type { Listr, ListrDefaultRendererLogLevels, ListrTaskWrapper } from 'listr2'

// Loaded when the first task is drawn: plain and --json runs never pay for listr2 (~30 ms).
type Listr2 = typeof import('listr2')
let listr2: Promise<Listr2> | undefined
const loadListr2 = (): Promise<Listr2> => (listr2 ??= import('listr2'))

export interface LiveTaskOptions {
  out: NodeJS.WritableStream
  color: boolean
}

export class LiveTask {
  private title: string
  private output = ''
  private wrapper?: { title: string; output: string }
  private settle!: (failed: string | undefined) => void
  private readonly done: Promise<string | undefined>

  constructor(title: string, private readonly o: LiveTaskOptions) {
    this.title = title
    this.done = new Promise((resolve) => (this.settle = resolve))
  }

  /** Draw until finish() is called; never rejects. Call only when nothing else writes to `out`. */
  async run(): Promise<void> {
    try {
      await this.create(await loadListr2()).run()
    } catch {
      // A failed task is already drawn red; nothing else to report.
    }
  }

  // Built only when it is our turn to draw: listr2 keeps the stream's write method it finds at
  // construction, and while the previous list draws that method is the previous list's buffer.
  private create(lib: Listr2): Listr<unknown, 'default', 'default'> {
    const { Listr, ListrLogger, ProcessOutput } = lib
    const o = this.o
    const rendererOptions = {
      // Writing to our stream, not process.stdout, keeps tests and redirection honest.
      logger: new ListrLogger({
        useIcons: true,
        toStderr: [],
        processOutput: new ProcessOutput(o.out as NodeJS.WriteStream, o.out as NodeJS.WriteStream, {
          leaveEmptyLine: false,
        }),
      }),
      color: o.color ? undefined : noColors(lib.ListrDefaultRendererLogLevels),
      collapseErrors: true,
      showErrorMessage: true,
    }
    return new Listr(
      [
        {
          title: this.title,
          task: async (_ctx: unknown, task: ListrTaskWrapper<unknown, any, any>) => {
            this.wrapper = task
            task.title = this.title
            if (this.output) task.output = this.output
            const failed = await this.done
            // Throwing is how listr2 marks a task red; the message becomes its final title.
            if (failed !== undefined) throw new Error(failed)
          },
          rendererOptions: { outputBar: 1, persistentOutput: false },
        },
      ],
      {
        // The mode was chosen by us (chooseMode), so never let listr2 fall back on its own.
        renderer: 'default',
        fallbackRenderer: 'default',
        rendererOptions,
        fallbackRendererOptions: rendererOptions,
        exitOnError: false,
        // Interrupts are the CLI's to handle; listr2 would otherwise call process.exit.
        registerSignalListeners: false,
      },
    )
  }

  setTitle(title: string): void {
    this.title = title
    if (this.wrapper) this.wrapper.title = title
  }

  /** The latest line of live output, shown under the title while the task runs. */
  setOutput(line: string): void {
    this.output = line
    if (this.wrapper) this.wrapper.output = line
  }

  /** Settle the task: green with this title, or red with `failedTitle`. */
  finish(title: string, failedTitle?: string): void {
    this.setTitle(title)
    this.settle(failedTitle)
  }
}

function noColors(levels: typeof ListrDefaultRendererLogLevels): Partial<Record<ListrDefaultRendererLogLevels, (s?: string) => string>> {
  const same = (s?: string) => s ?? ''
  return Object.fromEntries(Object.values(levels).map((l) => [l, same]))
}
