// Network and sync modules: iptables, iptables_facts, synchronize, wait_for, smtp_probe.
import type { Module } from '../module.js'

export const netModules: Module<any, any>[] = []
