// Every broken input in test/fixtures/bad-input/ through the real CLI: the exit code, one clean
// message at the offending file:line:col with a hint, and never a stack trace.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it, test } from 'node:test'
import { ROOT, stackTraceIn, tsplay } from './cli.js'

const CORPUS = join(ROOT, 'test', 'fixtures', 'bad-input')

/** test/fixtures/bad-input/<case>/case.json */
interface Case {
  /** CLI arguments, run from the case folder. */
  args: string[]
  /** 4 bad playbook/inventory/role/template, 5 bad option, 2 a task failed on the host. */
  exit: number
  /** Where the error points, relative to the case folder; null when no file holds the mistake (an option). */
  where: string | null
  /** Part of the message. */
  message: string
}

const cases = readdirSync(CORPUS).sort().map((name) => ({ name, dir: join(CORPUS, name), c: JSON.parse(readFileSync(join(CORPUS, name, 'case.json'), 'utf8')) as Case }))

/** The failure message of the one failed task: from 'FAILED! => ' up to the recap. */
function taskFailure(stdout: string): string {
  const at = stdout.indexOf('FAILED! => ')
  const end = stdout.indexOf('PLAY RECAP', at)
  return stdout.slice(at + 'FAILED! => '.length, end < 0 ? undefined : end).trim()
}

test('the corpus holds at least 60 broken inputs', () => assert.ok(cases.length >= 60, `only ${cases.length}`))

describe('bad input through the CLI', { concurrency: 8 }, () => {
  for (const { name, dir, c } of cases) {
    it(`${name}: exit ${c.exit}, ${c.where ?? 'no file position'}, "${c.message}"`, async () => {
      const r = await tsplay(c.args, { cwd: dir })
      const all = `${r.stdout}\n${r.stderr}`.split(`${dir}/`).join('')
      const shown = `--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`
      assert.equal(r.code, c.exit, shown)
      assert.equal(stackTraceIn(r.stdout + r.stderr), undefined, `a stack trace leaked:\n${shown}`)
      assert.ok(all.includes(c.message), `message missing:\n${shown}`)
      if (c.where !== null) assert.ok(r.stdout.includes(`${dir}/${c.where}`) || r.stderr.includes(`${dir}/${c.where}`), `position ${c.where} missing:\n${shown}`)
      if (c.exit === 2) {
        // A task failure: the run went on to the recap, and the one failure says what to do.
        assert.equal(r.stderr, '', shown)
        assert.equal(r.stdout.match(/FAILED! => /g)?.length, 1, shown)
        assert.match(r.stdout, /PLAY RECAP/)
        const msg = taskFailure(r.stdout)
        assert.ok(msg.includes('\n') || /Did you mean|tsplay doc/.test(msg), `no hint in: ${msg}`)
      } else {
        // Stopped before touching any host: one ERROR! on stderr, nothing run.
        assert.equal(r.stderr.match(/ERROR! /g)?.length, 1, shown)
        assert.doesNotMatch(r.stdout, /PLAY \[|TASK \[/, shown)
        const paragraphs = r.stderr.trim().split(/\n\n+/)
        const hint = paragraphs.at(-1) ?? ''
        assert.ok(paragraphs.length >= 2 && !hint.startsWith('ERROR!') && !hint.endsWith('^ here'), `no hint after the message:\n${shown}`)
      }
    })
  }
})
