// Network and sync modules: iptables, iptables_facts, synchronize, wait_for, smtp_probe, uri.
import type { Module } from '../module.js'
import { iptables } from './iptables.js'
import { iptablesFacts } from './iptables_facts.js'
import { smtpProbe } from './smtp_probe.js'
import { synchronize } from './synchronize.js'
import { uri } from './uri.js'
import { waitFor } from './wait_for.js'

export const netModules: Module<any, any>[] = [iptables, iptablesFacts, synchronize, waitFor, smtpProbe, uri]
