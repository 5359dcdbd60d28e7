// The mail-sync role on the lab: new pulls alice/bob/carol's Maildirs straight from old with a
// one-off key. presync copies byte-identical trees (owners, modes, sizes, sha256), a second presync
// moves nothing (changed=0), --check makes no key and changes nothing but predicts each copy (and
// nothing once in sync) by listing both hosts, final deletes what was
// deleted on old but keeps mail delivered on new, and the key is gone from both hosts after every
// run, also when the copy fails.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { labDown, labUp } from '../../src/lab/index.js'
import { defaultInventoryDir, projectRoot } from '../../src/lab/config.js'
import type { RunEvent } from '../../src/events.js'
import { runIn, writeTree, type InlineRun } from '../helpers/run-playbook.js'
import { onHost } from './lab-play.js'

process.env.TSPLAY_ROLES_PATH = join(projectRoot(), 'roles')
const inventory = defaultInventoryDir()
const users = ['alice', 'bob', 'carol']

/** The README's first yaml block: the example must work as written. */
const example = writeTree({ 'playbook.yml': /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(projectRoot(), 'roles/mail-sync/README.md'), 'utf8'))![1]! })

const sh = onHost

/** Every entry of the users' Maildirs with numeric owner, mode, size, and each file's sha256. */
const tree = (host: string) =>
  sh(host, `cd /home && find ${users.map((u) => `${u}/Maildir`).join(' ')} -printf '%p %U %G %m %s %y\\n' | sort && find ${users.map((u) => `${u}/Maildir`).join(' ')} -type f -print0 | sort -z | xargs -0 sha256sum`)

/** Nothing of the one-off key is left: old's authorized_keys holds only the lab key, new has no key folder. */
async function assertNoKeyLeft(): Promise<void> {
  const keys = await sh('old', 'cat /root/.ssh/authorized_keys')
  assert.equal(keys.trim().split('\n').length, 1, keys)
  assert.doesNotMatch(keys, /tsplay-mail-sync-oneoff|rrsync/)
  assert.equal(await sh('new', 'ls -a /root | grep tsplay-mail-sync || true'), '')
}

function ok(r: InlineRun): InlineRun {
  const failed = r.events.filter((e): e is Extract<RunEvent, { kind: 'task-result' }> => e.kind === 'task-result' && e.result.status === 'failed')
  assert.equal(r.code, 0, JSON.stringify(failed.map((e) => e.result)))
  return r
}
function report(r: InlineRun): string[] {
  return (r.results('mail-sync : Report what moved')[0]?.result.items ?? []).map((i) => String(i.data?.msg ?? i.msg ?? ''))
}

before(async () => {
  await labUp({ mail: true, messagesPerUser: 6 })
  // The users role's job in the migration: same names, uids and gids, homes without mail.
  await sh('new', 'useradd -m -u 2001 -U alice && useradd -m -u 2002 -U bob && useradd -m -u 2003 -U carol')
})
after(async () => {
  await labDown()
})

/** The items of the copy task: folder → status and what --diff listed. */
function pulls(r: InlineRun): Map<string, { status: string; diff: string }> {
  const items = r.results('mail-sync : Pull the mail from the source')[0]?.result.items ?? []
  return new Map(items.map((i) => [String(i.item), { status: i.status, diff: (i.diff ?? []).map((d) => d.after).join('') }]))
}

test("--check makes no key, copies nothing, and predicts each folder's copy by listing both hosts", async () => {
  const snapshot = () => sh('new', "find /home /root /var/mail -printf '%p %s %m %T@\\n' | sort")
  const before = [await snapshot(), await sh('old', 'cat /root/.ssh/authorized_keys')]
  const r = ok(await runIn(example, { inventory, check: true, diff: true }))
  assert.deepEqual([await snapshot(), await sh('old', 'cat /root/.ssh/authorized_keys')], before)
  const predicted = pulls(r)
  for (const u of users) {
    const p = predicted.get(`/home/${u}/Maildir/`)
    assert.equal(p?.status, 'changed', `${u}: ${JSON.stringify(p)}`)
    assert.match(p!.diff, /^would create new\/\d+\.\S+\.old\.example\.test,S=/m)
  }
})

test('presync copies byte-identical Maildirs with numeric owners; the second presync moves 0 files (changed=0)', async () => {
  const t0 = Date.now()
  const first = ok(await runIn(example, { inventory, diff: true }))
  const t1 = Date.now()
  assert.ok(first.stats.new!.changed >= 1)
  // --diff shows rsync's itemized list per folder.
  const diffs = (first.results('mail-sync : Pull the mail from the source')[0]!.result.items ?? []).flatMap((i) => i.diff ?? [])
  assert.ok(diffs.some((d) => d.path === 'rsync old:/home/alice/Maildir/ → /home/alice/Maildir/' && /^>f\+{9} new\/\d+\.\S+\.old\.example\.test,S=/m.test(d.after)), JSON.stringify(diffs).slice(0, 500))
  assert.equal(await tree('new'), await tree('old'))
  assert.match(await sh('new', 'stat -c "%u:%g %a" /home/bob/Maildir /home/bob/Maildir/cur'), /^2002:2002 700\n2002:2002 700\n$/)
  assert.ok(report(first).some((l) => /^presync \/home\/alice\/Maildir\/: [1-9]\d* files, [1-9]\d* bytes(, [\d.]+ s)?$/.test(l)), report(first).join('\n'))
  await assertNoKeyLeft()

  const second = ok(await runIn(example, { inventory }))
  assert.equal(second.stats.new!.changed, 0)
  for (const l of report(second)) assert.match(l, /: 0 files, 0 bytes/)
  const rechecked = ok(await runIn(example, { inventory, check: true }))
  for (const [folder, p] of pulls(rechecked)) assert.equal(p.status, 'ok', `--check after the presync predicts nothing to pull for ${folder}`)
  console.log(`# mail-sync: presync ${t1 - t0} ms, second presync ${Date.now() - t1} ms (changed=0)`)
  await assertNoKeyLeft()
})

test('final deletes a message deleted on old but keeps mail delivered on new', async () => {
  const gone = (await sh('old', 'cd /home/alice/Maildir/cur && f=$(ls | head -1) && rm -- "$f" && echo "$f"')).trim()
  // Delivered by new's own postfix: the Maildir name ends in new's hostname.
  await sh('new', 'printf "Subject: delivered on new\\n\\nkeep me\\n" | /usr/sbin/sendmail alice; for i in $(seq 50); do ls /home/alice/Maildir/new | grep -qv old.example.test && exit 0; sleep 0.1; done; exit 1')
  const delivered = (await sh('new', 'ls /home/alice/Maildir/new | grep -v old.example.test')).trim()
  assert.match(delivered, /\.new$/)

  // --check predicts the deletion on new, and not of the mail delivered there (protected).
  const predicted = pulls(ok(await runIn(example, { inventory, check: true, diff: true, extraVars: { mail_sync_phase: 'final' } }))).get('/home/alice/Maildir/')
  assert.equal(predicted?.status, 'changed')
  assert.ok(predicted!.diff.split('\n').includes(`would delete cur/${gone}`), predicted!.diff)
  assert.ok(!predicted!.diff.includes(delivered), predicted!.diff)

  const r = ok(await runIn(example, { inventory, extraVars: { mail_sync_phase: 'final' } }))
  assert.ok(r.stats.new!.changed >= 1)
  assert.ok(report(r).some((l) => /^final \/home\/alice\/Maildir\/: .*, 1 deleted, /.test(l)), report(r).join('\n'))
  assert.equal(await sh('new', `test -e /home/alice/Maildir/cur/${JSON.stringify(gone)} && echo present || echo absent`), 'absent\n')
  assert.match(await sh('new', `cat /home/alice/Maildir/new/${delivered}`), /keep me/)
  // Apart from the mail delivered on new, new now equals old.
  const withoutDelivered = (await tree('new')).split('\n').filter((l) => !l.includes(delivered)).join('\n')
  const oldTree = (await tree('old')).split('\n').join('\n')
  assert.equal(withoutDelivered.replace(/^alice\/Maildir\/new \S+ \S+ \S+ \S+ d$/m, ''), oldTree.replace(/^alice\/Maildir\/new \S+ \S+ \S+ \S+ d$/m, ''))
  await assertNoKeyLeft()
})

test('a failing copy still removes the one-off key from old and new', async () => {
  const r = await runIn(writeTree({
    'playbook.yml': '- hosts: new\n  gather_facts: false\n  roles:\n    - role: mail-sync\n      mail_sync_paths: [/home/carol/Maildir/, /var/no-such-mail/]\n',
  }), { inventory })
  assert.notEqual(r.code, 0)
  const failed = r.results('mail-sync : Pull the mail from the source')[0]!
  assert.equal(failed.result.status, 'failed')
  assert.match(JSON.stringify(failed.result), /exit code 23/)
  assert.equal(r.results('mail-sync : Remove the one-off key from the source')[0]?.result.status, 'ok')
  await assertNoKeyLeft()
})

test('a missing destination home stops the role before any key is made', async () => {
  const r = await runIn(writeTree({
    'playbook.yml': '- hosts: new\n  gather_facts: false\n  roles:\n    - role: mail-sync\n      mail_sync_paths: [/home/dave/Maildir/]\n',
  }), { inventory })
  assert.notEqual(r.code, 0)
  assert.match(JSON.stringify(r.results('mail-sync : Refuse destinations without their parent folder (create the users first)')), /missing on new: \/home\/dave/)
  assert.equal(r.results('mail-sync : Make the one-off key\'s folder (0700)').length, 0)
  await assertNoKeyLeft()
})
