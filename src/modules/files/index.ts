// File modules: copy, template, file, lineinfile, blockinfile, stat, slurp, fetch, archive, unarchive, replace, tempfile, find, assemble.
import type { Module } from '../module.js'
import { unarchive } from './unarchive.js'
import { archive } from './archive.js'
import { assemble } from './assemble.js'
import { blockinfile } from './blockinfile.js'
import { copy } from './copy.js'
import { fetch } from './fetch.js'
import { file } from './file.js'
import { find } from './find.js'
import { lineinfile } from './lineinfile.js'
import { replace } from './replace.js'
import { slurp } from './slurp.js'
import { stat } from './stat.js'
import { template } from './template.js'
import { tempfile } from './tempfile.js'

export const fileModules: Module<any, any>[] = [copy, template, file, lineinfile, blockinfile, stat, slurp, fetch, archive, unarchive, replace, tempfile, find, assemble]
