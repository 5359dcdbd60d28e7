// System modules: apt, debconf, package_facts, service, user, group, sysctl, hostname, cron, getent, account_facts, authorized_key, known_hosts, reboot, wait_for_connection.
import type { Module } from '../module.js'
import { accountFacts } from './account_facts.js'
import { cron } from './cron.js'
import { apt } from './apt.js'
import { authorizedKey } from './authorized_key.js'
import { debconf } from './debconf.js'
import { getent } from './getent.js'
import { group } from './group.js'
import { hostname } from './hostname.js'
import { knownHosts } from './known_hosts.js'
import { packageFacts } from './package_facts.js'
import { service } from './service.js'
import { sysctl } from './sysctl.js'
import { reboot } from './reboot.js'
import { user } from './user.js'
import { waitForConnection } from './wait_for_connection.js'

export const systemModules: Module<any, any>[] = [apt, debconf, packageFacts, service, user, group, sysctl, hostname, cron, getent, accountFacts, authorizedKey, knownHosts, reboot, waitForConnection]
