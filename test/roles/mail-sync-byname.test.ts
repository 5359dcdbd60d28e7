// The Maildir-aware final sync of the mail-sync role on the lab (mail_sync_record): a presync
// records old's folders, then old gets flag changes (renames in cur/, new/ → cur/), deletions,
// deliveries and a new folder, new gets its own deliveries; the final sync skips the untouched
// folder, renames instead of copying (the changed folder compared between the hosts, as a large
// one is), copies the rest in one stream, and new ends identical to old (sha256 of every file,
// owners, modes) with new's deliveries kept.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { labDown, labUp } from '../../src/lab/index.js'
import { failures, onHost as sh, play } from './lab-play.js'
import type { InlineRun } from '../helpers/run-playbook.js'

const record = '/var/lib/tsplay-test/maildir-presync.json'
const playbook = (phase: string, more = '') => `- hosts: new
  gather_facts: false
  roles:
    - role: mail-sync
      mail_sync_source: old
      mail_sync_users: [alice, bob]
      mail_sync_phase: ${phase}
      mail_sync_record: ${record}${more}
`

/** Every entry of the Maildirs with numeric owner, mode and size, and each file's sha256. */
const tree = (host: string, skip = '^$') =>
  sh(host, `cd /home && { find alice/Maildir bob/Maildir -mindepth 1 \\( -type d -printf '%p %U %G %m d\\n' -o -printf '%p %U %G %m %s %y\\n' \\); find alice/Maildir bob/Maildir -type f -print0 | xargs -0 sha256sum; } | grep -Ev ${JSON.stringify(skip)} | sort`)

function ok(r: InlineRun): InlineRun {
  assert.equal(r.code, 0, failures(r).join('\n'))
  return r
}
const msgs = (r: InlineRun, task: string) => r.results(task).map((e) => String(e.result.msg ?? ''))

before(async () => {
  await labUp({ mail: true, messagesPerUser: 6 })
  await sh('new', 'useradd -m -u 2001 -U alice && useradd -m -u 2002 -U bob')
  // A few thousand messages in alice's INBOX and two folders, all named as old delivers them.
  await sh('old', `set -e; cd /home/alice/Maildir; mkdir -p .Sent/cur .Sent/new .Sent/tmp .Trash/cur .Trash/new .Trash/tmp
    for i in $(seq 1 3000); do printf 'Subject: m%s\\n\\nbody %s\\n' $i $i > cur/17000$i.M${'$'}{i}P1.old.example.test,S=30:2,; done
    for i in $(seq 1 200); do printf 'Subject: n%s\\n\\nnew %s\\n' $i $i > new/17100$i.M${'$'}{i}P2.old.example.test; done
    for i in $(seq 1 300); do printf 'Subject: s%s\\n\\nsent %s\\n' $i $i > .Sent/cur/17200$i.M${'$'}{i}P3.old.example.test:2,S; done
    for i in $(seq 1 40); do printf 'Subject: t%s\\n\\ntrash %s\\n' $i $i > .Trash/cur/17300$i.M${'$'}{i}P4.old.example.test:2,ST; done
    chown -R alice:alice /home/alice/Maildir
    find /home/alice/Maildir -type d -exec touch -d '1 minute ago' {} +`)
})
after(async () => {
  await labDown()
})

test('a presync records old\'s folders; the final sync mirrors only what changed, by name, and new ends identical to old with its own deliveries kept', async () => {
  ok(await play(playbook('presync')))
  assert.match(await sh('old', `cat ${record}`), /"taken_at":"\d+\.\d+".*"\/home\/alice\/Maildir\/.Sent":\{"(cur|new)":"\d+\.\d+","(cur|new)":"\d+\.\d+"\}/)
  assert.equal(await sh('old', `test -e ${record}.pending && echo left || echo none`), 'none\n')
  assert.equal(await tree('new'), await tree('old'))

  // Between presync and final, on old: flag changes (renames within cur/), new/ → cur/, deletions,
  // deliveries, a new folder; .Sent is not touched at all.
  await sh('old', `set -e; cd /home/alice/Maildir
    for i in $(seq 1 150); do mv cur/17000$i.M${'$'}{i}P1.old.example.test,S=30:2, cur/17000$i.M${'$'}{i}P1.old.example.test,S=30:2,RS; done
    for i in $(seq 1 100); do mv new/17100$i.M${'$'}{i}P2.old.example.test cur/17100$i.M${'$'}{i}P2.old.example.test:2,S; done
    for i in $(seq 151 230); do rm cur/17000$i.M${'$'}{i}P1.old.example.test,S=30:2,; done
    for i in $(seq 1 25); do printf 'Subject: late%s\\n\\nlate %s\\n' $i $i > new/18000$i.M${'$'}{i}P9.old.example.test; done
    mkdir -p .Projects/cur .Projects/new .Projects/tmp; for i in $(seq 1 10); do echo "archived $i" > .Projects/cur/19000$i.M${'$'}{i}P8.old.example.test:2,S; done
    rm -r .Trash
    chown -R alice:alice /home/alice/Maildir`)
  // Delivered by new's own postfix (named after new): the final sync must keep it.
  await sh('new', 'printf "Subject: delivered on new\\n\\nkeep me\\n" | /usr/sbin/sendmail alice; for i in $(seq 50); do ls /home/alice/Maildir/new | grep -qv old.example.test && exit 0; sleep 0.1; done; exit 1')
  const delivered = (await sh('new', 'ls /home/alice/Maildir/new | grep -v old.example.test')).trim()

  // Every changed folder counts as large: compared between the hosts (an rsync dry run from old),
  // only the difference through the controller, with the same renames, deletions and copies.
  const r = ok(await play(playbook('final', '\n      mail_sync_names_max_bytes: 1')))
  const [state] = msgs(r, 'mail-sync : Which folders of the source changed since the presync, and their file names')
  assert.match(state!, /unchanged/)
  const mirror = r.results('mail-sync : Renames and deletions by name here (never this host\'s deliveries); the list of what is missing')[0]!.result
  // 150 flag changes and 100 new/ → cur/ moves are renames on new, not copies; 80 deletions.
  assert.equal(mirror.data?.renamed, 250, String(mirror.msg))
  assert.equal(mirror.data?.deleted, 80, String(mirror.msg))
  // Only the late deliveries are copied by name (the new folder .Projects is not tracked: its own rsync copies it).
  assert.equal(mirror.data?.copy_count, 25, String(mirror.msg))
  // .Sent was skipped: its folder was neither listed nor mirrored.
  const listed = r.results('mail-sync : Which folders of the source changed since the presync, and their file names')[0]!.result.data as { changed_folders: string[]; unchanged_folders: string[]; large_changed_folders: string[]; names: Record<string, unknown> }
  assert.ok(listed.unchanged_folders.includes('/home/alice/Maildir/.Sent'), JSON.stringify(listed))
  assert.deepEqual(listed.changed_folders, ['/home/alice/Maildir'])
  assert.deepEqual(listed.large_changed_folders, ['/home/alice/Maildir'])
  assert.deepEqual(Object.keys(listed.names), [])

  // new equals old, apart from the mail new delivered itself, which is still there.
  assert.equal(await tree('new', delivered), await tree('old'))
  assert.match(await sh('new', `cat /home/alice/Maildir/new/${delivered}`), /keep me/)
  assert.equal(await sh('new', 'test -e /home/alice/Maildir/.Trash && echo left || echo gone'), 'gone\n')
  assert.equal(await sh('new', 'ls -a /root | grep tsplay-mail-sync || true'), '')
})
