// One skip policy for tests that need what a machine may lack (root, namespaces, sudo, sshd, a
// free lab): on a developer's machine they skip with the reason; under CI (env CI set) they
// cannot: the missing need is a failed test, so a broken CI machine never goes green.
import { test } from 'node:test'
import assert from 'node:assert/strict'

const underCi = !!process.env.CI

/** `skip` for node:test: the reason to skip here, or false. Under CI a reason also adds a failing
 * test named after it (the skipped test itself is still skipped, with the reason). */
export function unlessCi(reason: string | false | null | undefined): string | false {
  if (!reason) return false
  if (underCi) {
    test(`this CI machine has what the next tests need (${reason})`, () => {
      assert.fail(`CI cannot skip: ${reason}`)
    })
  }
  return reason
}

/** Inside a running test: skip it with the reason, or under CI fail it. */
export function skipOrFail(t: { skip(msg?: string): void }, reason: string): void {
  if (underCi) assert.fail(`CI cannot skip: ${reason}`)
  t.skip(reason)
}
