// The HTML run report from the CLI: one self-contained file, the same from a saved run log as
// live, secrets masked, and progress events for a long step.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { writeTree } from '../helpers/run-playbook.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const cli = join(root, 'dist', 'src', 'cli.js')
const tsplay = (args: string[], cwd = root) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true', NO_COLOR: '1' }, cwd })

const SECRET = 'hunter2-not-for-eyes'

/** A local playbook with a change and its diff, a failure rescued, a handler, progress and report data. */
let made: string | undefined
after(() => made && rmSync(made, { recursive: true, force: true }))

/** A fresh folder with the playbook: encrypting the secret takes seconds, so it is done once. */
function copy(): string {
  made ??= playbook()
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-report-'))
  cpSync(made, dir, { recursive: true })
  // The playbook names its own folder; the copy works in its own.
  writeFileSync(join(dir, 'pb.yml'), readFileSync(join(made, 'pb.yml'), 'utf8').replaceAll(made, dir))
  return dir
}

function playbook(): string {
  const dir = writeTree({ pw: 'pw\n' })
  const vaulted = tsplay(['vault', 'encrypt_string', SECRET, '--name', 'secret_pw', '--vault-password-file', join(dir, 'pw')]).stdout
  const yml = `- name: Everything a report shows
  hosts: localhost
  gather_facts: false
  vars:
    work: ${join(dir, 'work')}
    slow_n: 12
${vaulted.replace(/^/gm, '    ').trimEnd()}
  tasks:
    - name: Make <the> folder & file
      copy:
        content: "line <b>1</b>\\nkey={{ secret_pw }}\\n"
        dest: "{{ work }}.txt"
      notify: Said so
    - name: A slow step that reports progress
      shell: |
        for i in $(seq 1 {{ slow_n }}); do echo "tsplay-progress label=box files=$i total_files={{ slow_n }}" >&2; sleep 0.25; done
        echo "real stderr" >&2
      register: slow
    - name: Protected
      block:
        - name: This fails
          command: "false"
      rescue:
        - name: Roll back
          debug: { msg: rolled back }
    - name: Numbers for the report
      report:
        section: demo.numbers
        data: { count: 3, stderr: "{{ slow.stderr }}", key: "{{ secret_pw }}" }
  handlers:
    - name: Said so
      debug: { msg: handler ran }
`
  return writeTree({ 'pb.yml': yml }, dir)
}

test('a run writes one self-contained report, equal to the one made later from its --json log, with progress events', () => {
  const dir = copy()
  try {
    const live = join(dir, 'live.html')
    const run = tsplay([join(dir, 'pb.yml'), '--json', '--diff', '--report', live, '--vault-password-file', join(dir, 'pw')], dir)
    assert.equal(run.status, 0, run.stderr)
    assert.match(run.stderr, new RegExp(`report: ${live}`))
    const log = join(dir, 'run.ndjson')
    writeFileSync(log, run.stdout)
    const again = join(dir, 'again.html')
    const replay = tsplay(['report', log, '-o', again])
    assert.equal(replay.status, 0, replay.stderr)
    const html = readFileSync(live, 'utf8')
    assert.equal(readFileSync(again, 'utf8'), html)
    // Self-contained: no script, no outside URL (the SVG namespace is not fetched; none is used).
    assert.doesNotMatch(html, /<script|<link|https?:\/\/|url\(/i)
    // Text is escaped, secrets masked as in every other output.
    assert.match(html, /Make &lt;the&gt; folder &amp; file/)
    assert.match(html, /line &lt;b&gt;1&lt;\/b&gt;/)
    assert.ok(!html.includes(SECRET) && !run.stdout.includes(SECRET))
    assert.match(html, /key=\*{8}/)
    // Timeline bars per task, the rescue and the handler marked, the recap, the reported data.
    assert.ok((html.match(/<rect class="bar /g) ?? []).length >= 6)
    assert.match(html, /class="bar failed[^"]*"/)
    assert.match(html, /class="bar ok rescue"/)
    assert.match(html, /class="bar ok handler"/)
    assert.match(html, /<table class="recap">.*localhost.*rescued/s)
    assert.match(html, /<h3>demo\.numbers<\/h3>/)
    // Progress lines are taken out of the registered stderr; the rest stays.
    assert.match(html, /<th>stderr<\/th><td>real stderr<\/td>/)
    progressEvents(run.stdout)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a run that hands data to the report writes it and its run log under tsplay-runs/ by default', () => {
  const dir = copy()
  try {
    const run = tsplay([join(dir, 'pb.yml'), '--vault-password-file', join(dir, 'pw'), '-e', 'slow_n=2'], dir)
    assert.equal(run.status, 0, run.stderr)
    const files = readdirSync(join(dir, 'tsplay-runs')).sort()
    assert.equal(files.length, 2)
    assert.match(files[0]!, /^pb-\d{8}T\d{6}Z\.html$/)
    assert.match(files[1]!, /^pb-\d{8}T\d{6}Z\.ndjson$/)
    assert.match(run.stderr, /report: .*tsplay-runs\/pb-.*\.html \(run log: .*\.ndjson/)
    // The plain output printed the slow step's progress no more than every few seconds.
    assert.ok((run.stdout.match(/^progress: /gm) ?? []).length <= 1)
    const again = join(dir, 'again.html')
    assert.equal(tsplay(['report', join(dir, 'tsplay-runs', files[1]!), '-o', again]).status, 0)
    assert.equal(readFileSync(again, 'utf8'), readFileSync(join(dir, 'tsplay-runs', files[0]!), 'utf8'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('tsplay report refuses a file that is not a run log', () => {
  const dir = writeTree({ 'x.ndjson': 'hello\n' })
  try {
    const r = tsplay(['report', join(dir, 'x.ndjson'), '-o', join(dir, 'r.html')])
    assert.equal(r.status, 5)
    assert.match(r.stderr, /holds no run events/)
    assert.ok(!existsSync(join(dir, 'r.html')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

/** A long step reports progress events, at most one a second, the last count before its result. */
function progressEvents(stdout: string): void {
  const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>)
  const progress = events.filter((e) => e.kind === 'progress')
  assert.ok(progress.length >= 2 && progress.length <= 5, `${progress.length} progress events`)
  for (const p of progress) {
    assert.equal(p.task, 'A slow step that reports progress')
    assert.equal(p.label, 'box')
    assert.equal(p.totalFiles, 12)
  }
  const times = progress.map((p) => Date.parse(p.ts))
  for (let i = 1; i < times.length - 1; i++) assert.ok(times[i]! - times[i - 1]! >= 950, `progress ${i} came ${times[i]! - times[i - 1]!} ms after the one before`)
  const last = progress.at(-1)!
  assert.equal(last.files, 12)
  assert.ok(last.filesPerSecond > 0)
  assert.ok(progress.some((p) => typeof p.etaSeconds === 'number'))
  const result = events.findIndex((e) => e.kind === 'task-result' && e.task === last.task)
  assert.ok(events.indexOf(last) < result)
  assert.equal(events[result]!.result.data.stderr, 'real stderr')
}
