// System modules: apt, debconf, package_facts, service, user, group, sysctl, hostname, cron.
import type { Module } from '../module.js'

export const systemModules: Module<any, any>[] = []
