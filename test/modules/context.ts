// A real ModuleContext on the local connection, for tests that run modules and plans.
import { LocalConnection } from '../../src/connection/local.js'
import { TsplayError } from '../../src/errors.js'
import type { ModuleContext } from '../../src/modules/module.js'

export function localContext(over: Partial<ModuleContext> = {}): ModuleContext {
  const conn = new LocalConnection()
  return {
    conn,
    host: 'localhost',
    check: false,
    diff: false,
    vars: {},
    findFile(_kind, rel) {
      throw new TsplayError(`no file lookup in tests: ${rel}`)
    },
    render: (text) => text,
    connectionTo: async () => conn,
    controller: conn,
    taskPos: { file: 'test.yml', line: 1, col: 1 },
    ...over,
  }
}
