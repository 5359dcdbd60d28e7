// The mail generator: Maildir layout, flags, MDA-style names and courier's uid files.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateMaildir, ODD_FOLDERS } from '../../src/lab/mailgen.js'

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'tsplay-mailgen-'))
}

test('generates the asked number of messages across INBOX and the odd folders', async () => {
  const dir = tmp()
  try {
    const r = await generateMaildir(dir, { messages: 40, hostname: 'old.example.test', user: 'alice' })
    assert.equal(r.messages, 40)
    assert.deepEqual(r.folders, ['', ...ODD_FOLDERS])
    let n = 0
    for (const f of r.folders) for (const d of ['cur', 'new']) n += readdirSync(join(dir, f, d)).length
    assert.equal(n, 40)
    assert.ok(statSync(join(dir, '.Old Projects', 'maildirfolder')).isFile())
    assert.match(readFileSync(join(dir, 'courierimapsubscribed'), 'utf8'), /^INBOX\.Old Projects$/m)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('file names carry the hostname and sizes; cur/ names carry flags, new/ names none', async () => {
  const dir = tmp()
  try {
    await generateMaildir(dir, { messages: 30, hostname: 'old.example.test', user: 'bob', folders: false })
    const cur = readdirSync(join(dir, 'cur'))
    const fresh = readdirSync(join(dir, 'new'))
    assert.ok(fresh.length > 0 && cur.length > 0)
    for (const f of cur) assert.match(f, /^\d+\.M\d+P\d+Q\d+\.old\.example\.test,S=\d+,W=\d+:2,[A-Z]*$/)
    for (const f of fresh) assert.doesNotMatch(f, /:2,/)
    for (const f of cur) {
      const size = Number(/,S=(\d+)/.exec(f)![1])
      assert.equal(statSync(join(dir, 'cur', f)).size, size)
    }
    assert.ok(cur.some((f) => f.endsWith(':2,S')) && cur.some((f) => f.endsWith(':2,RS')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('courier uid files list the cur/ messages with UIDs 1..n', async () => {
  const dir = tmp()
  try {
    await generateMaildir(dir, { messages: 12, hostname: 'h', user: 'carol', folders: false })
    const cur = readdirSync(join(dir, 'cur')).sort()
    const imap = readFileSync(join(dir, 'courierimapuiddb'), 'utf8').trim().split('\n')
    assert.match(imap[0]!, new RegExp(`^1 \\d+ ${cur.length + 1}$`))
    assert.equal(imap.length, cur.length + 1)
    const pop = readFileSync(join(dir, 'courierpop3dsizelist'), 'utf8').trim().split('\n')
    assert.match(pop[0]!, new RegExp(`^/3 ${cur.length + 1} \\d+$`))
    assert.match(pop[1]!, /^\S+:2,[A-Z]* \d+ 1:\d+:0$/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the same seed gives the same mailbox', async () => {
  const a = tmp()
  const b = tmp()
  try {
    await generateMaildir(a, { messages: 10, hostname: 'h', user: 'alice' })
    await generateMaildir(b, { messages: 10, hostname: 'h', user: 'alice' })
    assert.deepEqual(readdirSync(join(a, 'cur')).sort(), readdirSync(join(b, 'cur')).sort())
    assert.equal(readFileSync(join(a, 'courierimapuiddb'), 'utf8'), readFileSync(join(b, 'courierimapuiddb'), 'utf8'))
  } finally {
    rmSync(a, { recursive: true, force: true })
    rmSync(b, { recursive: true, force: true })
  }
})

test("the 'small' profile makes many small messages for benchmarks", async () => {
  const dir = tmp()
  try {
    const r = await generateMaildir(dir, { messages: 200, hostname: 'h', user: 'x', folders: false, profile: 'small' })
    assert.ok(r.bytes / r.messages < 2500, `average ${r.bytes / r.messages}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
