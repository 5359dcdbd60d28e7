// cron runs for real over the local connection on cron.d-style files in a temp folder: first run
// changed, second ok, --check predicts and writes nothing, --diff shows the file, markers are
// Ansible's, and hostile jobs are written verbatim, never run.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TaskResult } from '../../src/executor/result.js'
import { check } from '../../src/schema/validate.js'
import { runner, type Over } from './real-run.js'

const root = mkdtempSync(join(tmpdir(), 'tsplay-cron-'))
process.on('exit', () => rmSync(root, { recursive: true, force: true }))
let n = 0
const fresh = () => {
  const d = join(root, `case${n++}`)
  mkdirSync(d)
  return d
}

const runAny = runner()
const run = (args: Record<string, unknown>, over: Over = {}): Promise<TaskResult> => runAny('cron', args, over)

const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : null)

async function twice(file: string, args: Record<string, unknown>): Promise<TaskResult> {
  const before = read(file)
  const checked = await run(args, { check: true, diff: true })
  assert.equal(checked.status, 'changed', `--check predicts a change: ${checked.msg}`)
  assert.equal(read(file), before, '--check wrote nothing')
  const first = await run(args, { diff: true })
  assert.equal(first.status, 'changed', `first run changed: ${first.msg}`)
  assert.deepEqual(first.diff, checked.diff, '--check predicted exactly this diff')
  assert.equal((await run(args)).status, 'ok', 'second run is ok')
  assert.equal((await run(args, { check: true })).status, 'ok', '--check after the run is ok')
  return first
}

test('cron writes a marked job to a cron.d file, updates it in place, and removes the file with its last job', async () => {
  const f = join(fresh(), 'mail-migration')
  const job = { name: 'flush queue', job: '/usr/sbin/postqueue -f', minute: '*/10', user: 'root', cron_file: f }
  const r = await twice(f, job)
  assert.equal(read(f), '#Ansible: flush queue\n*/10 * * * * root /usr/sbin/postqueue -f\n')
  assert.equal(statSync(f).mode & 0o777, 0o644)
  assert.deepEqual(r.diff?.[0], { path: f, before: '', after: read(f) })
  await twice(f, { ...job, hour: '2', disabled: true })
  assert.equal(read(f), '#Ansible: flush queue\n#*/10 2 * * * root /usr/sbin/postqueue -f\n')
  await twice(f, { name: 'reboot', job: 'true', special_time: 'reboot', user: 'vmail', cron_file: f })
  assert.match(read(f)!, /#Ansible: reboot\n@reboot vmail true\n$/)
  await twice(f, { name: 'flush queue', state: 'absent', cron_file: f })
  assert.equal(read(f), '#Ansible: reboot\n@reboot vmail true\n')
  await twice(f, { name: 'reboot', state: 'absent', cron_file: f })
  assert.equal(existsSync(f), false, 'an emptied cron_file is removed')
})

test('cron sets variables at the top or after another, as NAME="value"', async () => {
  const f = join(fresh(), 'vars')
  writeFileSync(f, '#Ansible: x\n* * * * * root true\n')
  await twice(f, { name: 'MAILTO', env: true, job: 'ops@example.org', cron_file: f, user: 'root' })
  await twice(f, { name: 'PATH', env: true, job: '/usr/sbin:/usr/bin', insertafter: 'MAILTO', cron_file: f, user: 'root' })
  assert.equal(read(f), 'MAILTO="ops@example.org"\nPATH="/usr/sbin:/usr/bin"\n#Ansible: x\n* * * * * root true\n')
  await twice(f, { name: 'MAILTO', env: true, state: 'absent', cron_file: f })
  assert.equal(read(f), 'PATH="/usr/sbin:/usr/bin"\n#Ansible: x\n* * * * * root true\n')
})

test('cron adopts an identical unmarked line instead of adding a copy, and adds a missing final newline', async () => {
  const f = join(fresh(), 'adopt')
  writeFileSync(f, '# keep me\n0 3 * * * root /bin/backup')
  await twice(f, { name: 'backup', job: '/bin/backup', minute: '0', hour: '3', user: 'root', cron_file: f })
  assert.equal(read(f), '# keep me\n#Ansible: backup\n0 3 * * * root /bin/backup\n')
})

test('hostile jobs and names are written verbatim and never run; line breaks are refused', async () => {
  const d = fresh()
  const f = join(d, 'hostile')
  const job = `echo '$(touch ${d}/S1)' "\`touch ${d}/S2\`"; touch ${d}/S3 # -x`
  await twice(f, { name: `n $(touch ${d}/S4) ';"`, job, user: 'root', cron_file: f })
  assert.equal(read(f), `#Ansible: n $(touch ${d}/S4) ';"\n* * * * * root ${job}\n`)
  for (const s of ['S1', 'S2', 'S3', 'S4']) assert.equal(existsSync(join(d, s)), false, `${s} was created: a value was executed`)
  const broken = await run({ name: 'x', job: 'true\n* * * * * root evil', user: 'root', cron_file: f })
  assert.equal(broken.status, 'failed')
  assert.match(broken.msg ?? '', /line breaks/)
})

test('cron fails clearly on a user crontab when neither crontab nor the spool folder exists', { skip: existsSync('/var/spool/cron/crontabs') && 'a cron spool exists here' }, async () => {
  const r = await run({ name: 'x', job: 'true', user: 'root' })
  assert.equal(r.status, 'failed')
  assert.match(r.msg ?? '', /install the cron package, or use cron_file/)
})

test('cron refuses cron_file without user, special_time with time fields, and /etc/crontab', async () => {
  const f = join(fresh(), 'bad')
  assert.match((await run({ name: 'x', job: 'true', cron_file: f })).msg ?? '', /must specify user/)
  assert.match((await run({ name: 'x', job: 'true', cron_file: f, user: 'root', special_time: 'daily', hour: '1' })).msg ?? '', /time and date fields or special time/)
  assert.match((await run({ name: 'x', job: 'true', cron_file: '/etc/crontab', user: 'root' })).msg ?? '', /Will not manage \/etc\/crontab/)
  assert.equal(existsSync(f), false)
})
