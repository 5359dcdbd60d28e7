// The mail modules' parsers: Maildir keys ignore flags and the new/ → cur/ move; postqueue -j.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { messageKey, parseDigest } from '../../../src/modules/mail/maildir_digest.js'
import { isLocal, parseQueue } from '../../../src/modules/mail/postfix_queue.js'

test('a message keeps its key when it moves from new/ to cur/ and gains flags', () => {
  assert.equal(messageKey('./new/1700.M1P2Q3.old.example.test,S=9,W=10'), './1700.M1P2Q3.old.example.test,S=9,W=10')
  assert.equal(messageKey('./cur/1700.M1P2Q3.old.example.test,S=9,W=10:2,RS'), messageKey('./new/1700.M1P2Q3.old.example.test,S=9,W=10'))
  assert.equal(messageKey('./.Entwürfe/cur/5.M5.old:2,'), '.Entwürfe/5.M5.old')
  assert.equal(messageKey('./.Archive.2023/new/6.M6.old'), '.Archive.2023/6.M6.old')
})

test('files outside cur/ and new/ are not messages', () => {
  assert.equal(messageKey('./courierimapuiddb'), undefined)
  assert.equal(messageKey('./tmp/7.M7.old'), undefined)
})

test('sha256sum -z output with odd names becomes key → hash', () => {
  const h = 'a'.repeat(64)
  const out = `${h}  ./.Old Projects/cur/1.M1.old:2,S\0${'b'.repeat(64)}  ./new/2.M2.old\0`
  assert.deepEqual(parseDigest(out), { '.Old Projects/1.M1.old': h, './2.M2.old': 'b'.repeat(64) })
})

test('postqueue -j lines become messages; local means a domain of the list', () => {
  const q = parseQueue('{"queue_name":"deferred","queue_id":"AB12","recipients":[{"address":"alice@example.test","delay_reason":"x"}]}\n')
  assert.deepEqual(q, [{ queue: 'deferred', id: 'AB12', recipients: ['alice@example.test'] }])
  assert.equal(isLocal('alice@Example.test', ['example.test']), true)
  assert.equal(isLocal('x@elsewhere.org', ['example.test']), false)
})

test('by name, find -print0 output becomes key → where and flags', () => {
  const out = './.Old Projects/cur/1.M1.old:2,RS\0./new/2.M2.old\0./courierimapuiddb\0'
  assert.deepEqual(parseDigest(out, true), { '.Old Projects/1.M1.old': 'cur:2,RS', './2.M2.old': 'new' })
})
