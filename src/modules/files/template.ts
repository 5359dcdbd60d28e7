// template: render a Handlebars file from the role's templates/ with the task's variables and
// write it like copy (owner/group/mode, backup, validate on the rendered temp file).
import { statSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { resolve } from 'node:path'
import type { Vars } from '../../playbook/types.js'
import { defineModule } from '../module.js'
import { copyLikeProps, gatherCopyLike, planCopyLike, readControllerFile, type CopyLikeArgs, type CopyLikeState } from './copylike.js'

export interface TemplateArgs extends CopyLikeArgs {
  src: string
}

export const template = defineModule<TemplateArgs, CopyLikeState>({
  name: 'template',
  description: "Render a template from the role's templates/ with the task's variables and write it to the target.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', description: "Template on the controller: the role's templates/ folder first, then the playbook's folder." },
      ...copyLikeProps,
    },
  },
  example: [
    '- name: Configure Dovecot',
    '  template:',
    '    src: dovecot.conf.hbs',
    '    dest: /etc/dovecot/dovecot.conf',
    "    mode: '0644'",
    "    validate: 'doveconf -n -c %s'",
  ].join('\n'),
  async gather(args, ctx) {
    const file = ctx.findFile('templates', args.src)
    const f = readControllerFile(file)
    const rendered = ctx.render(f.content.toString('utf8'), templateVars(ctx.vars, args, file), file)
    return gatherCopyLike(args, ctx, Buffer.from(rendered, 'utf8'), f.mode)
  },
  plan(args, state, ctx) {
    return planCopyLike(args, state, ctx)
  },
})

/** Python's str(datetime) of a local time: 2026-12-06 23:50:01 (and .ffffff when it has them). */
function pyDate(d: Date, micro: boolean): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  const s = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  return micro ? `${s}.${p(d.getMilliseconds() * 1000, 6)}` : s
}

/**
 * The task's variables plus Ansible's template_* variables and ansible_managed, which only the
 * template file sees. The variables are copied as descriptors, so none is rendered early.
 */
function templateVars(vars: Vars, args: TemplateArgs, file: string): Vars {
  const st = statSync(file)
  const me = userInfo()
  const own: Vars = {
    template_host: hostname(),
    template_path: args.src,
    template_fullpath: resolve(file),
    template_destpath: args.dest,
    template_mtime: pyDate(st.mtime, false),
    template_uid: st.uid === me.uid ? me.username : String(st.uid),
    template_run_date: pyDate(new Date(), true),
  }
  if (!('ansible_managed' in vars)) own.ansible_managed = 'Ansible managed'
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(vars), ...Object.getOwnPropertyDescriptors(own) })
}
