// Core modules: command, shell, raw, debug, set_fact, assert, fail, setup, pause.
import type { Module } from '../module.js'

export const coreModules: Module<any, any>[] = []
