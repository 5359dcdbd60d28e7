// maildir_pull: the final sync's two rsync command lines (the stream of missing messages, the rest
// with --delete and the protect filters), and its script running real rsyncs side by side in a
// temp folder: each one's report and exit code kept apart, the first failure failing the step.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { argv } from '../../../src/connection/quote.js'
import { parsePull, pullCommands, pullScript, type MaildirPullArgs } from '../../../src/modules/mail/maildir_pull.js'

const tmp = mkdtempSync(join(tmpdir(), 'maildir-pull-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

const args: MaildirPullArgs = { source: 'tsplay-mail-sync-source', ssh_command: 'ssh -F /dev/null -o ControlPath=/x/master', files_from: '/x/files-from', rest_from: '/x/rest-from', exclude_from: '/x/exclude', protect: ['new', 'new.example.test'], rsync_timeout: 300, vanished_ok: false }

test('the stream copies the listed messages; the rest deletes with the protect filters and skips the excluded folders', () => {
  const { stream, rest } = pullCommands(args, true)
  assert.match(stream!, /--from0 --files-from=\/x\/files-from -- tsplay-mail-sync-source:\/ \//)
  assert.doesNotMatch(stream!, /--delete/)
  assert.match(rest, /--delete-delay/)
  assert.match(rest, /'--filter=P \*\.new' '--filter=P \*\.new\[,:\]\*' '--filter=P \*\.new\.example\.test'/)
  // --from0 before --exclude-from, or rsync reads the exclude file newline-separated.
  assert.match(rest, /--from0 .*--recursive --files-from=\/x\/rest-from --exclude-from=\/x\/exclude -- tsplay-mail-sync-source:\/ \//)
  for (const c of [stream!, rest]) assert.match(c, /--archive .*--numeric-ids --hard-links --acls --xattrs --timeout=300 --rsh 'ssh -F \/dev\/null -o ControlPath=\/x\/master'/)
  assert.equal(pullCommands(args, false).stream, undefined)
})

test('both rsyncs run side by side; each report comes back apart, and a failure fails the script with its code', () => {
  const src = join(tmp, 'src')
  const a = join(tmp, 'a')
  const b = join(tmp, 'b')
  mkdirSync(join(src, 'cur'), { recursive: true })
  mkdirSync(join(b, 'cur'), { recursive: true })
  writeFileSync(join(src, 'cur', '1.M1.old:2,S'), 'one\n')
  writeFileSync(join(src, 'cur', '2.M2.old:2,'), 'two\n')
  writeFileSync(join(b, 'cur', 'stale.M9.old'), 'gone\n')
  const list = join(tmp, 'list')
  writeFileSync(list, 'cur/1.M1.old:2,S\0')
  const stream = argv(['rsync', '--out-format=tsplay-item %i %n', '--stats', '-a', `--files-from=${list}`, '--from0', `${src}/`, `${a}/`])
  const rest = argv(['rsync', '--out-format=tsplay-item %i %n', '--stats', '-a', '--delete-after', `${src}/`, `${b}/`])
  const run = (cmds: { stream?: string; rest: string }) => spawnSync('bash', ['-c', pullScript(cmds, false)], { encoding: 'utf8' })

  const r = run({ stream, rest })
  assert.equal(r.status, 0, r.stderr)
  const out = parsePull(r.stdout)
  assert.equal(out.stream?.rc, 0)
  assert.equal(out.stream?.files_transferred, 1)
  assert.equal(out.rest?.files_transferred, 2)
  assert.deepEqual(out.rest?.deleted, ['cur/stale.M9.old'])
  assert.equal(readFileSync(join(a, 'cur', '1.M1.old:2,S'), 'utf8'), 'one\n')
  assert.equal(existsSync(join(a, 'cur', '2.M2.old:2,')), false)

  // The stream's list is missing: rsync fails (its code), the rest still ran and reported.
  const bad = run({ stream: stream.replace(list, join(tmp, 'no-such-list')), rest })
  assert.notEqual(bad.status, 0)
  const badOut = parsePull(bad.stdout)
  assert.equal(badOut.stream?.rc, bad.status)
  assert.equal(badOut.rest?.rc, 0)
  assert.match(bad.stderr, /no-such-list/)

  // Without a stream only the rest runs.
  const only = parsePull(run({ rest }).stdout)
  assert.equal(only.stream, undefined)
  assert.equal(only.rest?.rc, 0)
  assert.ok(execFileSync('ls', [b, join(b, 'cur')], { encoding: 'utf8' }).includes('1.M1.old:2,S'))
})
