// uri, file attributes, reboot and wait_for_connection on a lab host. uri's request is made on the host. The reboot_command kills every process of the
// host (its own PID namespace: sshd and the ssh session included) and starts sshd again with a
// new boot id, as a reboot would; reboot waits for the new boot id and test_command, later tasks
// reach the host on a new connection. --check reports changed and reboots nothing.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { labDown, labUp } from '../../../src/lab/index.js'
import { skipReason } from '../../lab/helpers.js'
import { unlessCi } from '../../helpers/skip.js'
import { onHost, play } from '../../roles/lab-play.js'
import { runner } from '../real-run.js'

const skip = unlessCi(skipReason())

// Detached so the reply comes back before the host "goes down", like shutdown -r's delay.
const REBOOT = `setsid sh -c 'sleep 1; kill -9 -1; cat /proc/sys/kernel/random/uuid > /run/boot_id; /usr/sbin/sshd -E /var/log/sshd.log' </dev/null >/dev/null 2>&1 &`
const PLAY = (extra = '') => `
- hosts: h1
  gather_facts: false
  tasks:
    - name: reboot h1
      reboot:
        reboot_command: "${REBOOT.replace(/"/g, '\\"')}"
        boot_time_command: cat /run/boot_id 2>/dev/null || echo first-boot
        test_command: test -s /run/boot_id
        connect_timeout: 5
        reboot_timeout: 60
      register: r${extra}
    - name: back
      wait_for_connection: { timeout: 30, sleep: 1 }
      register: w
    - name: after
      command: cat /run/boot_id
      register: after
    - assert:
        that:
          - r.rebooted
          - r.elapsed >= 1
          - w.elapsed >= 0
          - after.stdout | length == 36
`

describe('uri and reboot on a lab host', { skip }, () => {
  before(async () => {
    await labDown()
    await labUp({ hosts: 1 })
  })
  after(async () => {
    await labDown()
  })

  test('uri runs on the lab host over ssh: a server only the host can reach (its 127.0.0.1) answers', async () => {
    await onHost('h1', 'mkdir -p /srv/www; echo \'{"up": true}\' > /srv/www/health.json; cd /srv/www; setsid python3 -m http.server 8080 --bind 127.0.0.1 </dev/null >/dev/null 2>&1 & for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null && break; sleep 0.1; done')
    const r = await play(`- hosts: h1\n  gather_facts: false\n  tasks:\n    - uri: { url: "http://127.0.0.1:8080/health.json" }\n      register: u\n    - assert: { that: [u.json.up, "u.status == 200", "u.content_type == 'application/json'"] }\n`)
    assert.equal(r.code, 0, JSON.stringify(r.events.filter((e) => e.kind === 'task-result').map((e) => (e as { result: { msg?: string } }).result.msg)))
  })

  test("file attributes on the lab host's overlayfs (lsattr there reads flags but not -v's version): set once, then ok", async () => {
    const task = `- hosts: h1\n  gather_facts: false\n  tasks:\n    - file: { path: /root/attr.txt, state: touch, modification_time: preserve, access_time: preserve, attr: +A }\n`
    const first = await play(task)
    const second = await play(task)
    assert.deepEqual([first.code, first.stats.h1?.changed, second.code, second.stats.h1?.changed], [0, 1, 0, 0])
    assert.match(await onHost('h1', 'lsattr -d /root/attr.txt'), /^-*A/)
  })

  test('--check reports changed, rebooted, and the host keeps running', async () => {
    await onHost('h1', 'setsid sleep 4242 </dev/null >/dev/null 2>&1 &')
    const r = await play(`- hosts: h1\n  gather_facts: false\n  tasks:\n    - reboot: { reboot_command: "kill -9 -1" }\n      register: r\n    - assert: { that: [r.rebooted, r.changed] }\n`, { check: true })
    assert.equal(r.code, 0)
    assert.match(await onHost('h1', 'pgrep -x sleep -a || true'), /sleep 4242/)
  })

  test('reboot runs reboot_command, waits for a new boot time and test_command; the next tasks reach the host again', async () => {
    const r = await play(PLAY())
    const failed = r.events.filter((e) => e.kind === 'task-result' && e.result.status === 'failed').map((e) => (e as { result: { msg?: string } }).result.msg)
    assert.deepEqual(failed, [])
    assert.equal(r.code, 0)
    assert.equal(r.results('reboot h1')[0]?.result.status, 'changed')
    assert.doesNotMatch(await onHost('h1', 'pgrep -x sleep -a || true'), /sleep 4242/, 'what ran before the reboot is gone')
  })

  test('reboot fails with Ansible\'s message when the boot time never changes', async () => {
    const r = await play(`- hosts: h1\n  gather_facts: false\n  tasks:\n    - reboot: { reboot_command: "true", boot_time_command: "echo same", reboot_timeout: 3, connect_timeout: 2 }\n`)
    assert.notEqual(r.code, 0)
    const msg = r.events.find((e) => e.kind === 'task-result' && e.result.status === 'failed')
    assert.match((msg as { result: { msg: string } }).result.msg, /^Timed out waiting for last boot time check \(timeout=3\)/)
  })
})

test('reboot over a local connection fails instead of rebooting the controller', async () => {
  const r = await runner()('reboot', {})
  assert.deepEqual([r.status, r.msg], ['failed', 'Running reboot with local connection would reboot the control node.'])
})

test('wait_for_connection on a reachable host returns at once with elapsed, and is skipped in --check', async () => {
  const run = runner()
  const r = await run('wait_for_connection', { timeout: 5 })
  assert.deepEqual([r.status, r.data.elapsed], ['ok', 0])
  assert.equal((await run('wait_for_connection', {}, { check: true })).status, 'skipped')
})
