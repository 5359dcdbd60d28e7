// Mail-migration modules: timer, maildir_digest, postfix_queue, smtp_send, dns_record, nsupdate.
import type { Module } from '../module.js'
import { dnsRecord } from './dns_record.js'
import { maildirDigest } from './maildir_digest.js'
import { nsupdate } from './nsupdate.js'
import { postfixQueue } from './postfix_queue.js'
import { smtpSend } from './smtp_send.js'
import { mailLogin } from './mail_login.js'
import { timer } from './timer.js'

export const mailModules: Module<any, any>[] = [timer, maildirDigest, postfixQueue, smtpSend, dnsRecord, nsupdate, mailLogin]
