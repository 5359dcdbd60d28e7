// template: render a Handlebars file from the role's templates/ with the task's variables and
// write it like copy (owner/group/mode, backup, validate on the rendered temp file).
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
    const rendered = ctx.render(f.content.toString('utf8'), ctx.vars, file)
    return gatherCopyLike(args, ctx, Buffer.from(rendered, 'utf8'), f.mode)
  },
  plan(args, state, ctx) {
    return planCopyLike(args, state, ctx)
  },
})
