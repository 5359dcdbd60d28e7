// Core modules: command, shell, raw, debug, set_fact, assert, fail, setup, pause, report, include_vars, ping, group_by, add_host.
import type { Module } from '../module.js'
import { addHost } from './add_host.js'
import { assert } from './assert.js'
import { command } from './command.js'
import { debug } from './debug.js'
import { fail } from './fail.js'
import { groupBy } from './group_by.js'
import { includeVars } from './include_vars.js'
import { pause } from './pause.js'
import { ping } from './ping.js'
import { rawModule } from './raw.js'
import { report } from './report.js'
import { setFact } from './set_fact.js'
import { setup } from './setup.js'
import { shell } from './shell.js'

export const coreModules: Module<any, any>[] = [command, shell, rawModule, debug, setFact, assert, fail, setup, pause, report, includeVars, ping, groupBy, addHost]
