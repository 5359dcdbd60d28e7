// maildir_list and maildir_mirror on real Maildirs in a temp folder (local connection): folder
// times saved and compared (changed, unchanged, untracked, a change within the slack), names
// listed without opening a file, and a mirror that renames, deletes (never a protected delivery)
// and lists what is missing for rsync.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runner } from './real-run.js'
import { mirrorSteps } from '../../src/modules/mail/maildir_mirror.js'

const run = runner()
const tmp = mkdtempSync(join(tmpdir(), 'maildir-sync-'))
after(() => rmSync(tmp, { recursive: true, force: true }))

function maildir(root: string, folders: Record<string, string[]>): void {
  for (const [folder, files] of Object.entries(folders)) {
    const f = folder === '.' ? root : join(root, folder)
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(f, sub), { recursive: true })
    for (const name of files) writeFileSync(join(f, name), `message ${name}\n`)
  }
}
/** Folders' cur/ and new/ a minute old, so a record taken now is not within its slack of them. */
function age(root: string): void {
  const then = new Date(Date.now() - 60_000)
  for (const d of ['', '.Sent', '.Trash']) for (const sub of ['cur', 'new']) utimesSync(join(root, d, sub), then, then)
}

test('maildir_list saves folder times and then tells changed, unchanged and untracked folders apart, listing names only of the changed', async () => {
  const md = join(tmp, 'a', 'Maildir')
  maildir(md, { '.': ['cur/1.M1.old:2,S', 'new/2.M2.old'], '.Sent': ['cur/3.M3.old:2,S'], '.Trash': ['cur/4.M4.old:2,ST'] })
  age(md)
  const record = join(tmp, 'a', 'record.json')
  const saved = await run('maildir_list', { maildirs: [md + '/'], save: record })
  assert.equal(saved.status, 'changed', String(saved.msg))
  const json = JSON.parse(readFileSync(record, 'utf8')) as { taken_at: string; folders: Record<string, { cur: string; new: string }> }
  assert.deepEqual(Object.keys(json.folders).sort(), [md, `${md}/.Sent`, `${md}/.Trash`])
  assert.match(json.folders[md]!.cur, /^\d+\.\d+$/)

  // A flag change in the INBOX (a rename in cur/) and a new folder; .Sent and .Trash untouched.
  const { renameSync } = await import('node:fs')
  renameSync(join(md, 'cur', '1.M1.old:2,S'), join(md, 'cur', '1.M1.old:2,RS'))
  maildir(md, { '.Projects': ['cur/5.M5.old:2,'] })
  const r = await run('maildir_list', { maildirs: [md], since_file: record, names_of_changed: true })
  assert.equal(r.status, 'ok')
  assert.deepEqual(r.data?.changed_folders, [md])
  assert.deepEqual(r.data?.unchanged_folders, [`${md}/.Sent`, `${md}/.Trash`])
  assert.deepEqual(r.data?.untracked_folders, [`${md}/.Projects`])
  const names = r.data?.names as Record<string, { dirs: string[]; entries: string[] }>
  assert.deepEqual(Object.keys(names), [md])
  assert.deepEqual(names[md]!.entries.sort(), ['cur/1.M1.old:2,RS', 'new/2.M2.old'])
  assert.deepEqual(names[md]!.dirs, ['cur', 'new'])

  // A folder changed in the same clock tick as a record keeps its mtime: within the slack it counts as changed.
  const fresh = join(tmp, 'a', 'fresh.json')
  maildir(md, { '.Sent': ['cur/6.M6.old:2,S'] })
  await run('maildir_list', { maildirs: [md], save: fresh })
  const racy = await run('maildir_list', { maildirs: [md], since_file: fresh })
  assert.ok((racy.data?.changed_folders as string[]).includes(`${md}/.Sent`), JSON.stringify(racy.data?.changed_folders))
  const noSlack = await run('maildir_list', { maildirs: [md], since_file: fresh, slack: 0 })
  assert.deepEqual(noSlack.data?.changed_folders, [])

  // No record yet: every folder is untracked (the final sync then copies them whole).
  const none = await run('maildir_list', { maildirs: [md], since_file: join(tmp, 'a', 'missing.json') })
  assert.equal((none.data?.untracked_folders as string[]).length, 4)
  assert.equal(none.data?.since_found, false)
})

test('maildir_mirror renames by unique part, deletes what the source lost but never a protected delivery, and lists the missing for rsync', async () => {
  const src = { '/m': { dirs: ['cur', 'new'], entries: ['cur/1.M1.old:2,RS', 'cur/2.M2.old:2,S', 'cur/4.M4.old:2,'] } }
  const here = join(tmp, 'b')
  const folder = join(here, 'Maildir')
  maildir(folder, { '.': ['cur/1.M1.old:2,S', 'new/2.M2.old', 'cur/3.M3.old:2,S', 'new/9.M9.new', 'new/8.M8.new.example.test,S=5'] })
  const source = { changed_folders: [folder], unchanged_folders: [join(folder, '.Sent')], names: { [folder]: src['/m'] } }
  const files = join(here, 'files-from')
  const excl = join(here, 'exclude')
  const rest = join(here, 'rest-from')
  const r = await run('maildir_mirror', { source, protect: ['new', 'new.example.test'], roots: [`${folder}/`], files_from: files, rest_from: rest, exclude_from: excl })
  assert.equal(r.status, 'changed', String(r.msg))
  assert.equal(r.data?.renamed, 2)
  assert.equal(r.data?.deleted, 1)
  assert.equal(r.data?.copy_count, 1)
  assert.deepEqual(readdirSync(join(folder, 'cur')).sort(), ['1.M1.old:2,RS', '2.M2.old:2,S'])
  // new's own deliveries stay.
  assert.deepEqual(readdirSync(join(folder, 'new')).sort(), ['8.M8.new.example.test,S=5', '9.M9.new'])
  assert.deepEqual(readFileSync(files, 'utf8').split('\0'), [`${folder.slice(1)}/cur/4.M4.old:2,`, ''])
  assert.deepEqual(readFileSync(rest, 'utf8').split('\0'), [`${folder.slice(1)}/`, ''])
  assert.deepEqual(readFileSync(excl, 'utf8').split('\0'), [`${folder}/cur/`, `${folder}/new/`, `${folder}/.Sent/cur/`, `${folder}/.Sent/new/`, ''])
})

test('a cur/ missing on the destination is not excluded and its messages are not listed one by one (rsync copies it whole)', () => {
  const steps = mirrorSteps({ '/m/.F': { dirs: ['cur', 'new'], entries: ['cur/1.M1.old:2,S', 'new/2.M2.old'] } }, { '/m/.F': { dirs: ['new'], entries: [] } }, [])
  assert.deepEqual(steps.missingDirs, ['/m/.F/cur'])
  assert.deepEqual(steps.copies, ['m/.F/new/2.M2.old'])
})

test('maildir_list leaves changed folders larger than names_max_bytes unlisted, for the comparison between hosts', async () => {
  const md = join(tmp, 'c', 'Maildir')
  maildir(md, { '.': ['cur/1.M1.old:2,S'], '.Sent': ['cur/3.M3.old:2,S'], '.Trash': [] })
  age(md)
  const record = join(tmp, 'c', 'record.json')
  await run('maildir_list', { maildirs: [md], save: record })
  writeFileSync(join(md, 'new', '2.M2.old'), 'late\n')
  // Any directory is larger than one byte: the changed INBOX is large, its names are not listed.
  const small = await run('maildir_list', { maildirs: [md], since_file: record, names_of_changed: true, names_max_bytes: 1 })
  assert.deepEqual(small.data?.changed_folders, [md])
  assert.deepEqual(small.data?.large_changed_folders, [md])
  assert.deepEqual(small.data?.names, {})
  const big = await run('maildir_list', { maildirs: [md], since_file: record, names_of_changed: true, names_max_bytes: 1 << 30 })
  assert.deepEqual(big.data?.large_changed_folders, [])
  assert.deepEqual(Object.keys(big.data?.names as object), [md])
})
