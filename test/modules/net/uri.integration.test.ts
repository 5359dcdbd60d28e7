// uri against a real HTTP server on 127.0.0.1, run through the shared runner on the local
// connection (python3's urllib on the "target"): methods, bodies, auth, redirects, results.
import { test, after, before } from 'node:test'
import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runner } from '../real-run.js'

const run = runner()
const root = mkdtempSync(join(tmpdir(), 'tsplay-uri-'))
let server: Server
let base = ''
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = []

before(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body })
      const u = new URL(req.url!, base)
      if (u.pathname === '/json') {
        res.writeHead(200, { 'Content-Type': 'application/json', 'X-Custom-Thing': 'yes', 'Set-Cookie': 'sid=abc; Path=/' })
        res.end(JSON.stringify({ ok: true, method: req.method, got: body }))
      } else if (u.pathname === '/redirect') {
        res.writeHead(302, { Location: '/json' })
        res.end()
      } else if (u.pathname === '/auth') {
        const ok = req.headers.authorization === `Basic ${Buffer.from('alice:s3cret').toString('base64')}`
        res.writeHead(ok ? 200 : 401, ok ? { 'Content-Type': 'text/plain' } : { 'WWW-Authenticate': 'Basic realm="x"' })
        res.end(ok ? 'welcome' : 'no')
      } else if (u.pathname === '/file') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '6' })
        res.end('hello\n')
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' })
        res.end('not here')
      }
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})
after(() => {
  server.close()
  rmSync(root, { recursive: true, force: true })
})

test('uri GET of a JSON answer returns status, json, headers lowercased with underscores and cookies', async () => {
  const r = await run('uri', { url: `${base}/json` })
  assert.equal(r.status, 'ok', r.msg)
  assert.equal(r.data.status, 200)
  assert.deepEqual(r.data.json, { ok: true, method: 'GET', got: '' })
  assert.equal(r.data.x_custom_thing, 'yes')
  assert.equal(r.data.content_type, 'application/json')
  assert.deepEqual(r.data.cookies, { sid: 'abc' })
  assert.equal(r.data.redirected, false)
  assert.equal(r.data.msg, 'OK (unknown bytes)')
  assert.equal(r.data.content, undefined, 'content only with return_content')
  assert.equal(seen.at(-1)!.headers['user-agent'], 'ansible-httpget')
})

test('uri POST with body_format json sends JSON with its Content-Type; form-urlencoded encodes a mapping', async () => {
  const j = await run('uri', { url: `${base}/json`, method: 'POST', body: { a: [1, 2] }, body_format: 'json' })
  assert.equal(j.status, 'ok', j.msg)
  assert.deepEqual([seen.at(-1)!.headers['content-type'], seen.at(-1)!.body], ['application/json', '{"a":[1,2]}'])
  const f = await run('uri', { url: `${base}/json`, method: 'PUT', body: { name: 'a b', x: '&' }, body_format: 'form-urlencoded', return_content: true })
  assert.deepEqual([seen.at(-1)!.method, seen.at(-1)!.headers['content-type'], seen.at(-1)!.body], ['PUT', 'application/x-www-form-urlencoded', 'name=a+b&x=%26'])
  assert.match(String(f.data.content), /"method":"PUT"/)
})

test('uri fails on a status outside status_code with Ansible\'s message, and accepts it when listed', async () => {
  const r = await run('uri', { url: `${base}/missing`, return_content: true })
  assert.equal(r.status, 'failed')
  assert.equal(r.msg, 'Status code was 404 and not [200]: HTTP Error 404: Not Found')
  assert.deepEqual([r.data.status, r.data.content], [404, 'not here'])
  const ok = await run('uri', { url: `${base}/missing`, status_code: [200, 404] })
  assert.equal(ok.status, 'ok')
})

test('uri follows a GET redirect (safe) and reports it; follow_redirects none returns the 302 with an absolute location', async () => {
  const r = await run('uri', { url: `${base}/redirect` })
  assert.equal(r.status, 'ok', r.msg)
  assert.deepEqual([r.data.redirected, r.data.url], [true, `${base}/json`])
  const n = await run('uri', { url: `${base}/redirect`, follow_redirects: 'none', status_code: 302 })
  assert.equal(n.status, 'ok', n.msg)
  assert.deepEqual([n.data.status, n.data.location], [302, `${base}/json`])
  const post = await run('uri', { url: `${base}/redirect`, method: 'POST', body: 'x' })
  assert.equal(post.status, 'failed', 'safe does not follow a POST')
  assert.equal(post.data.status, 302)
})

test('uri basic auth answers the 401 challenge, or is sent first with force_basic_auth', async () => {
  const r = await run('uri', { url: `${base}/auth`, url_username: 'alice', url_password: 's3cret', return_content: true })
  assert.deepEqual([r.status, r.data.content], ['ok', 'welcome'])
  const n = seen.length
  const f = await run('uri', { url: `${base}/auth`, url_username: 'alice', url_password: 's3cret', force_basic_auth: true })
  assert.equal(f.status, 'ok')
  assert.equal(seen.length - n, 1, 'one request, no challenge')
  const bad = await run('uri', { url: `${base}/auth`, url_username: 'alice', url_password: 'wrong' })
  assert.equal(bad.status, 'failed')
  assert.equal(bad.data.status, 401)
})

test('uri dest writes the body and is changed; a connection refused is status -1', async () => {
  const dest = join(root, 'got.txt')
  const r = await run('uri', { url: `${base}/file`, dest })
  assert.equal(r.status, 'changed', r.msg)
  assert.equal(readFileSync(dest, 'utf8'), 'hello\n')
  assert.deepEqual([r.data.path, r.data.msg], [dest, 'OK (6 bytes)'])
  const refused = await run('uri', { url: 'http://127.0.0.1:9/', timeout: 5 })
  assert.equal(refused.status, 'failed')
  assert.equal(refused.data.status, -1)
  assert.match(refused.msg ?? '', /^Status code was -1 and not \[200\]: Request failed: <urlopen error \[Errno 111\] Connection refused>/)
})

test('uri with creates existing makes no request; in --check it is skipped, as Ansible\'s uri', async () => {
  const marker = join(root, 'marker')
  writeFileSync(marker, '')
  const n = seen.length
  const c = await run('uri', { url: `${base}/json`, creates: marker })
  assert.deepEqual([c.status, c.msg], ['ok', `skipped, since ${marker} exists`])
  const chk = await run('uri', { url: `${base}/json`, method: 'DELETE' }, { check: true })
  assert.equal(chk.status, 'skipped')
  assert.equal(seen.length, n, 'no request reached the server')
  assert.ok(!existsSync(join(root, 'nothing')))
})
