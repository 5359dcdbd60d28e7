// The wipe-disk role on the lab, on an 8 MB tmpfs mounted inside `old` (never the machine's disk):
// refusal without the right name, --check touches nothing, then daemons stopped, files deleted,
// free space filled up to the cap or to full, fill files removed.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { labDown, labUp } from '../../src/lab/index.js'
import { defaultInventoryDir, projectRoot } from '../../src/lab/config.js'
import { runIn, writeTree, type InlineRun } from '../helpers/run-playbook.js'
import { onHost } from './lab-play.js'

process.env.TSPLAY_ROLES_PATH = join(projectRoot(), 'roles')
const inventory = defaultInventoryDir()
const MNT = '/mnt/wipe-test'

before(async () => {
  await labUp({ mail: true, messagesPerUser: 1 })
  await sh('old', `mkdir -p ${MNT} && mount -t tmpfs -o size=8m tmpfs ${MNT}`)
})
after(async () => {
  await labDown()
})

const sh = onHost

const seed = () => sh('old', `mkdir -p ${MNT}/home/alice ${MNT}/etc && echo secret > ${MNT}/home/alice/mail && echo hash > ${MNT}/etc/shadow`)
/** Files on the tmpfs, its used bytes, and whether postfix runs. */
const snapshot = () => sh('old', `find ${MNT} | sort; df -B1 --output=used ${MNT} | tail -n 1 | tr -d ' '; /etc/init.d/postfix status >/dev/null && echo postfix up || echo postfix down`)

function play(vars: Record<string, unknown>): string {
  const v = { wipe_paths: [`${MNT}/home`, `${MNT}/etc`], wipe_filesystems: [MNT], wipe_passes: 2, wipe_size_cap: 4 * 1024 * 1024, ...vars }
  return writeTree({
    'playbook.yml': [
      '- hosts: old',
      '  gather_facts: false',
      '  tasks:',
      '    - import_role:',
      '        name: wipe-disk',
      '      vars:',
      ...Object.entries(v).map(([k, x]) => `        ${k}: ${JSON.stringify(x)}`),
      '',
    ].join('\n'),
  })
}

function msgs(r: InlineRun, task: string): string[] {
  return r.results(`wipe-disk : ${task}`)[0]!.result.data.msg as string[]
}

function ok(r: InlineRun): InlineRun {
  assert.equal(r.code, 0, JSON.stringify(r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed')))
  return r
}

test('a wipe_confirm that is not the host\'s own name is refused and nothing is touched', async () => {
  await seed()
  const before = await snapshot()
  assert.match(before, /postfix up/)
  for (const confirm of ['new', '', 'old.example']) {
    const r = await runIn(play({ wipe_confirm: confirm }), { inventory })
    assert.notEqual(r.code, 0)
    const msg = r.results("wipe-disk : Refuse unless wipe_confirm is this host's name")[0]!.result.msg ?? ''
    assert.match(msg, /^wipe-disk refused on old: wipe_confirm is '.*', but this host is named 'old' \(old\.example\.test\)\. Nothing was touched\./)
    assert.equal(r.stats.old!.changed, 0)
  }
  assert.equal(await snapshot(), before)
})

test('--check with the right name predicts the stop and the deletion and touches nothing', async () => {
  const before = await snapshot()
  const r = ok(await runIn(play({ wipe_confirm: 'old' }), { inventory, check: true }))
  assert.ok(r.stats.old!.changed >= 2)
  assert.match(r.results('wipe-disk : What a wipe would fill')[0]!.result.data.msg as string, /would overwrite the free space of \/mnt\/wipe-test in 2 pass/)
  assert.equal(await snapshot(), before)
})

test('with wipe_confirm = hostname: daemons stop, files go, free space is filled per pass up to the cap and given back', async () => {
  const baseline = (await sh('old', `rm -rf ${MNT}/* && df -B1 --output=used ${MNT} | tail -n 1 | tr -d ' '`)).trim()
  await seed()
  const t0 = Date.now()
  const r = ok(await runIn(play({ wipe_confirm: 'old' }), { inventory }))
  const t1 = Date.now()
  const done = msgs(r, 'What was done')
  assert.match(done[0]!, /^DONE: stopped postfix, .*courier-pop/)
  assert.equal(done[1], `DONE: deleted ${MNT}/home, ${MNT}/etc`)
  assert.match(done[2]!, /^DONE: pass 1\/2 on \/mnt\/wipe-test \(tmpfs\): 4194304 bytes of random data written .*size cap 4194304 bytes reached.*fill files removed$/)
  assert.match(done[3]!, /^DONE: pass 2\/2 on \/mnt\/wipe-test/)
  assert.match(msgs(r, 'What overwriting free space cannot promise')[0]!, /^NOT GUARANTEED: overwriting free space does not guarantee/)
  assert.equal(await snapshot(), `${MNT}\n${baseline}\npostfix down\n`)

  // Second run: nothing left to stop or delete; only the fill (an action) runs again, to full now.
  const again = ok(await runIn(play({ wipe_confirm: 'old.example.test', wipe_size_cap: 0, wipe_passes: 1 }), { inventory }))
  assert.equal(again.stats.old!.changed, 1)
  assert.match(msgs(again, 'What was done')[2]!, /^DONE: pass 1\/1 on \/mnt\/wipe-test \(tmpfs\): 83\d{5} bytes .*\(filesystem full\)/)
  assert.equal(await snapshot(), `${MNT}\n${baseline}\npostfix down\n`)
  console.log(`# wipe run ${t1 - t0} ms; second run ${Date.now() - t1} ms, changed=1 (the fill only)`)
  await sh('old', '/etc/init.d/postfix start >/dev/null')
})

test('a path that is not a mount point, or a whole-device mode without a free block device, is refused untouched', async () => {
  await seed()
  const before = await snapshot()
  const notMount = await runIn(play({ wipe_confirm: 'old', wipe_filesystems: [`${MNT}/home`] }), { inventory })
  assert.notEqual(notMount.code, 0)
  assert.match(JSON.stringify(notMount.results('wipe-disk : Refuse to fill a path that is not a mount point')[0]!.result), /is not a mount point/)
  for (const [dev, why] of [['', 'wipe_device is not set'], ['/dev/null', '/dev/null is not a block device']] as const) {
    const r = await runIn(play({ wipe_confirm: 'old', wipe_mode: 'whole_device', wipe_device: dev }), { inventory })
    assert.notEqual(r.code, 0)
    assert.match(r.results('wipe-disk : Refuse a missing, non-block or mounted device')[0]!.result.msg ?? '', new RegExp(`^wipe-disk refused: ${why}\\..*Nothing was touched\\.$`))
  }
  assert.equal(await snapshot(), before)
})

test('the README example works as written', async () => {
  const readme = readFileSync(join(projectRoot(), 'roles/wipe-disk/README.md'), 'utf8')
  const example = /## Example\n[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)![1]!
  const r = ok(await runIn(writeTree({ 'playbook.yml': example }), { inventory }))
  const done = msgs(r, 'What was done')
  assert.match(done[0]!, /^DONE: stopped no service/)
  assert.match(done[2]!, /^DONE: pass 1\/2 on \/mnt\/wipe-rehearsal \(tmpfs\): \d+ bytes .*\(filesystem full\)/)
  assert.equal(await sh('old', 'find /mnt/wipe-rehearsal; umount /mnt/wipe-rehearsal'), '/mnt/wipe-rehearsal\n')
})
