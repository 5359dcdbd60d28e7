// The comparison of large Maildir folders between hosts: a real rsync dry run (--ignore-existing
// --delete, the flags maildir-compare.ts uses) over two temp Maildirs reports only the difference,
// split per folder into what only the source has and what only this side has; fed to mirrorSteps
// it gives the same renames, deletions and copies as a comparison of every name.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ITEM_PREFIX } from '../../../src/modules/net/rsync-command.js'
import { compareCommand, splitDifference, unescapeName } from '../../../src/modules/mail/maildir-compare.js'
import { mirrorSteps } from '../../../src/modules/mail/maildir_mirror.js'

const tmp = mkdtempSync(join(tmpdir(), 'maildir-compare-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

function files(root: string, names: string[]): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(root, sub), { recursive: true })
  for (const n of names) writeFileSync(join(root, n), `message ${n}\n`)
}

test('the dry run reports only the difference, and mirrorSteps on it renames, deletes (never a protected delivery) and copies as on full listings', () => {
  const common = Array.from({ length: 300 }, (_, i) => `cur/17${i}.M${i}P1.old:2,S`)
  const src = join(tmp, 'src', 'home', 'big', 'Maildir')
  const dst = join(tmp, 'dst', 'home', 'big', 'Maildir')
  // Source: a flag change (2 → 2:2,RS), new/ → cur/ (3), a new delivery (5); 4 was deleted.
  files(src, [...common, 'cur/2.M2.old:2,RS', 'cur/3.M3.old:2,S', 'new/5.M5.old'])
  files(dst, [...common, 'cur/2.M2.old:2,S', 'new/3.M3.old', 'cur/4.M4.old:2,', 'new/9.M9.new', 'new/8.M8.new.example.test,S=5'])
  // The command maildir-compare.ts runs, with local paths instead of the source over ssh.
  const out = execFileSync('rsync', ['--dry-run', '--recursive', '--ignore-existing', '--delete', `--out-format=${ITEM_PREFIX}%i %n`, '--files-from=-', '--from0', `${join(tmp, 'src')}/`, `${join(tmp, 'dst')}/`], { input: 'home/big/Maildir/cur\0home/big/Maildir/new\0', encoding: 'utf8' })
  const folder = '/home/big/Maildir'
  const { there, here } = splitDifference(out, [folder])
  assert.deepEqual(there[folder]!.entries.sort(), ['cur/2.M2.old:2,RS', 'cur/3.M3.old:2,S', 'new/5.M5.old'])
  assert.deepEqual(here[folder]!.entries.sort(), ['cur/2.M2.old:2,S', 'cur/4.M4.old:2,', 'new/3.M3.old', 'new/8.M8.new.example.test,S=5', 'new/9.M9.new'])
  const steps = mirrorSteps(there, here, ['new', 'new.example.test'])
  assert.deepEqual(steps.renames.sort(), [[`${folder}/cur/2.M2.old:2,S`, `${folder}/cur/2.M2.old:2,RS`], [`${folder}/new/3.M3.old`, `${folder}/cur/3.M3.old:2,S`]])
  assert.deepEqual(steps.deletes, [`${folder}/cur/4.M4.old:2,`])
  assert.deepEqual(steps.copies, ['home/big/Maildir/new/5.M5.old'])
  assert.deepEqual(steps.missingDirs, [])
})

test("rsync's escaped bytes in a name come back as the name", () => {
  assert.equal(unescapeName('cur/1.M1.old\\#033x:2,S'), 'cur/1.M1.old\x1bx:2,S')
  assert.equal(unescapeName('cur/\\#303\\#244.M1.old'), 'cur/ä.M1.old')
  assert.equal(unescapeName('cur/plain.M1.old:2,'), 'cur/plain.M1.old:2,')
})

test('the comparison pulls from the source over the given ssh, names only, nothing copied', () => {
  const cmd = compareCommand({ source: 'tsplay-mail-sync-source', ssh_command: 'ssh -F /dev/null -o ControlPath=/x/master', rsync_timeout: 300 })
  assert.match(cmd, /^rsync --dry-run --recursive --ignore-existing --ignore-missing-args --delete '--out-format=tsplay-item %i %n' --files-from=- --from0 --timeout=300 --rsh 'ssh -F \/dev\/null -o ControlPath=\/x\/master' -- tsplay-mail-sync-source:\/ \/$/)
})
