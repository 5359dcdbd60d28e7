// Check mode is the runner's job (modules plan, the runner applies only outside --check), so the
// roles and playbooks should not re-code it: every `ansible_check_mode` and `check_mode: false`
// left in roles/ and playbooks/ is listed here with the reason it stays, and the test fails on a
// use not listed (the count cannot creep back up) and on a listed one that is gone (stale).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { projectRoot } from '../../src/lab/config.js'

/** "file | task name" → [uses in that task, why they stay]. */
const ALLOWED: Record<string, [number, string]> = {
  'playbooks/hello.yml | Check it (in --check the file may not exist yet)': [1, 'the example playbook shows the idiom: in --check the file was only planned'],
  'playbooks/migrate/add-missing.yml | add-missing: the diff (new keeps everything it has)': [1, "wording of a message only: 'would add' in --check, 'adds' in a run"],
  "playbooks/migrate/carry.yml | Compare old's files with new's ({{ migrate_carry_step }})": [3, 'one script compares and copies; in --check it runs as the check step, which only reads (no module yet splits the read from the copy)'],
  'playbooks/migrate/cutover.yml | Close the way to old (the one-off sync key is removed from both hosts)': [1, 'the one-off way is opened only outside --check'],
  'playbooks/migrate/cutover.yml | Final sync of the mail, straight from old to new': [1, 'the final sync goes over the one-off way, which --check does not open'],
  "playbooks/migrate/cutover.yml | No mail in flight in old's queue after the stop": [2, "a read of old's queue that only reports in --check, where postfix was not really stopped"],
  "playbooks/migrate/cutover.yml | Old's IPv6 address answers SMTP with new's server (the IPv6 forward)": [1, 'verifies the IPv6 forward the run loads (smtp_probe verifies: true would say it without YAML)'],
  "playbooks/migrate/cutover.yml | Old's address answers SMTP with new's server": [1, 'verifies the forward the run loads (smtp_probe verifies: true would say it without YAML)'],
  "playbooks/migrate/cutover.yml | Old's queue at the cutover, for the run report": [1, 'the queue is drained only when the run stops old'],
  'playbooks/migrate/cutover.yml | Report the outage window': [1, 'the outage window is measured only when the run stops old'],
  'playbooks/migrate/cutover.yml | The canary arrives in a Maildir on new (both canaries with IPv6)': [1, 'waits for the canary the run sends; --check sends none'],
  'playbooks/migrate/cutover.yml | The outage window and the queue, for the run report': [1, 'the outage window is measured only when the run stops old'],
  'playbooks/migrate/cutover.yml | postfix on new accepts its configuration': [1, 'postfix check only reads: a command run in --check too (cutover.yml, owned by the window work)'],
  'playbooks/migrate/dns.yml | DNS update': [1, 'wording of a message only: nsupdate predicted the change in --check'],
  'playbooks/migrate/homes.yml | Close the one-off way': [1, 'the one-off way is opened only outside --check'],
  "playbooks/migrate/homes.yml | The mail users' homes ({{ migrate_homes_step }})": [1, 'the homes copy goes over the one-off way, which --check does not open'],
  'playbooks/migrate/preflight.yml | New now': [1, 'the same read on new; no module yet'],
  'playbooks/migrate/preflight.yml | New side of the plan (reachable, same uid/gid, disk space, recent presync, rsync)': [1, 'a bash read of new (ids, free space per filesystem, presync age, tools); no module yet'],
  'playbooks/migrate/preflight.yml | Old now': [1, 'a bash read (daemons, ip_forward, tagged rules) after a cut-short cutover; no module yet'],
  'playbooks/migrate/preflight.yml | Old side of the plan (mail users, their uid/gid, mail size, rsync, iptables)': [1, 'a bash read of old (users, Maildir sizes, tools); no module yet'],
  'playbooks/migrate/preflight.yml | Preflight problems (--check only reports them)': [1, '--check shows the whole plan, so it reports what a real run refuses on instead of stopping'],
  'playbooks/migrate/preflight.yml | Refuse to cut over while something is not ready': [1, '--check shows the whole plan, so it reports what a real run refuses on instead of stopping'],
  'playbooks/migrate/prepare.yml | Problems a real prepare would refuse on (--check only reports them)': [1, '--check shows the whole plan, so it reports what a real run refuses on instead of stopping'],
  "playbooks/migrate/prepare.yml | Refuse to prepare while a referenced file is missing on old or would overwrite new's": [1, '--check shows the whole plan, so it reports what a real run refuses on instead of stopping'],
  "playbooks/migrate/queue.yml | Old's queue straight from old to new (the one-off way of the final sync)": [1, 'its destination (the staging spool) and the one-off way are made by commands --check skips'],
  'playbooks/migrate/sync-homes.yml | --check before prepare: the users are not on new yet': [1, '--check before prepare: the users the sync needs exist only after a real prepare'],
  "playbooks/migrate/sync-homes.yml | Do old's mail users have their homes on new yet?": [1, 'a getent read in a command (sync-homes.yml, owned by the window work)'],
  'playbooks/migrate/sync-homes.yml | Homes missing on new': [1, 'a getent read in a command (sync-homes.yml, owned by the window work)'],
  'playbooks/migrate/sync-open.yml | The one-off way to old': [1, 'the one-off key and connection are made only outside --check'],
  "playbooks/migrate/sync-open.yml | The final sync's pass before the window (mail still flows; the window takes what changes from now on)": [1, 'the final sync goes over the one-off way, which --check does not open'],
  'playbooks/migrate/sync-open.yml | What the final sync copies': [1, '--check before prepare: the users the sync needs exist only after a real prepare'],
  'playbooks/migrate/sync.yml | mail-sync ({{ migrate_sync_phase }})': [1, '--check before prepare: the users the sync needs exist only after a real prepare'],
  'playbooks/migrate/verify.yml | Every message of old is on new, same content (both hashed at once)': [1, '--check before prepare: new has no users yet, so everything is missing; report only'],
  "playbooks/migrate/verify.yml | Old's aliases, resolved by postfix": [1, 'a postmap read of old in bash (verify.yml, owned by the scale work)'],
  'roles/backup/tasks/restore.yml | Copy, verify and extract the archive': [1, 'the extract is a command --check skips, and verifying a copy --check did not make says nothing'],
  'roles/backup/tasks/restore.yml | Read the backup on the controller and check its sha256 sums': [1, "sha256sum --check against the backup's SHA256SUMS: no module reads a sums file"],
  'roles/backup/tasks/restore.yml | What a restore would do': [1, '--check only: the restore below needs the staging folder and the extract, a command'],
  'roles/cutover-watchdog/tasks/status.yml | A watchdog left by an earlier cutover?': [1, "runs the recorded watchdog script's status (a read) in --check too"],
  'roles/iptables-forward/tasks/absent.yml | Find other rules carrying the tag': [1, 'a bash read of the tagged rules (iptables -S); iptables_facts could read them'],
  'roles/iptables-forward/tasks/absent6.yml | Find the IPv6 rules carrying the tag': [1, 'a bash read of the tagged IPv6 rules (ip6tables -S)'],
  'roles/mail-sync/tasks/plan.yml | Check the source (rsync, rrsync, host key) and read its host key': [1, 'a bash read of the source (tools, host key) in --check too'],
  'roles/mail-sync/tasks/plan.yml | List the mail folders on the source': [1, "a bash listing of the source's mail folders in --check too"],
  "roles/mail-sync/tasks/plan.yml | Read this host's address towards the source and its names; check the destinations": [1, "a bash read of this host's address and destinations in --check too"],
  'roles/postfix/tasks/compat.yml | Read the postfix version and the compatibility-dependent settings in effect where the settings come from': [1, 'a bash read of postconf -d/-n on the source (postfix role, owned by the predict work)'],
  "roles/postfix/tasks/compat.yml | Work out what this host's postfix needs changed (renamed or dropped parameters, table types, compatibility_level)": [1, 'postconf on the imported settings in a temp folder against old\'s read: a read in --check too, so --check ports them as the run does'],
  'roles/wipe-disk/tasks/device.yml | Check the device': [1, "a read (lsblk, /proc/swaps) of a rescue system's device; no module yet"],
  'roles/wipe-disk/tasks/free_space.yml | What a wipe would fill': [1, '--check only: what the fill (a command --check skips) would do'],
  'roles/wipe-disk/tasks/free_space.yml | What was done': [1, '--check overwrote nothing: the summary of what was done is for a run'],
}

const root = projectRoot()

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return yamlFiles(p)
    return /\.ya?ml$/.test(e.name) ? [p] : []
  })
}

/** Each use, keyed by its file and the name of the task it sits in (the nearest `- name:` above). */
export function checkModeUses(): Map<string, number> {
  const uses = new Map<string, number>()
  for (const file of [...yamlFiles(join(root, 'roles')), ...yamlFiles(join(root, 'playbooks'))].sort()) {
    let task = '(top)'
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const name = /^\s*- name:\s*(.*?)\s*$/.exec(line)
      if (name) task = name[1]!.replace(/^(["'])(.*)\1$/, '$2')
      if (/^\s*#/.test(line)) continue
      const n = (line.match(/ansible_check_mode/g) ?? []).length + (line.match(/check_mode:\s*false/g) ?? []).length
      if (n === 0) continue
      const key = `${relative(root, file)} | ${task}`
      uses.set(key, (uses.get(key) ?? 0) + n)
    }
  }
  return uses
}

test('every ansible_check_mode and check_mode: false in roles/ and playbooks/ is listed with its reason', () => {
  const uses = checkModeUses()
  const unlisted = [...uses].filter(([k, n]) => ALLOWED[k]?.[0] !== n).map(([k, n]) => `${k}: ${n} use(s)${ALLOWED[k] ? `, listed with ${ALLOWED[k]![0]}` : ', not listed'}`)
  assert.deepEqual(unlisted, [], 'check mode re-coded in YAML: make the read a module (it runs in --check) or the write one whose plan predicts; if it must stay, list it here with why')
  const stale = Object.keys(ALLOWED).filter((k) => !uses.has(k))
  assert.deepEqual(stale, [], 'listed, but no longer in the YAML: take it off the list')
})

test('each listed use says why it stays', () => {
  for (const [k, [n, why]] of Object.entries(ALLOWED)) {
    assert.ok(n >= 1, `${k}: a count of at least 1`)
    assert.ok(why.length >= 20, `${k}: a reason, not a placeholder`)
  }
})
