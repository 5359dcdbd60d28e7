// Mail-migration modules: timer, maildir_digest, maildir_list, maildir_mirror, maildir_pull, mail_daemons, postfix_queue, postfix_hold, postfix_virtual, postconf, mailbox_set, smtp_send, dns_record, nsupdate.
import type { Module } from '../module.js'
import { dnsRecord } from './dns_record.js'
import { maildirDigest } from './maildir_digest.js'
import { maildirList } from './maildir_list.js'
import { maildirMirror } from './maildir_mirror.js'
import { maildirPull } from './maildir_pull.js'
import { mailDaemons } from './mail_daemons.js'
import { nsupdate } from './nsupdate.js'
import { postfixQueue } from './postfix_queue.js'
import { postconf } from './postconf.js'
import { postfixHold } from './postfix_hold.js'
import { postfixVirtual } from './postfix_virtual.js'
import { mailboxSetModule } from './mailbox_set.js'
import { smtpSend } from './smtp_send.js'
import { mailLogin } from './mail_login.js'
import { timer } from './timer.js'

export const mailModules: Module<any, any>[] = [timer, maildirDigest, maildirList, maildirMirror, maildirPull, mailDaemons, postfixQueue, postfixHold, postfixVirtual, postconf, mailboxSetModule, smtpSend, dnsRecord, nsupdate, mailLogin]
