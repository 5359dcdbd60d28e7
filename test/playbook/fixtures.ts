// Where the playbook fixtures are, from the compiled test file (dist*/test/playbook/x.js).
import { fileURLToPath } from 'node:url'

export const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/playbooks/', import.meta.url))
export const GOOD = FIXTURES + 'good/'
export const BAD = FIXTURES + 'bad/'
