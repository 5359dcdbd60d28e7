// copy: put given content or a controller file (role files/) at dest, with owner/group/mode,
// backup and validate; changed only when the bytes or attributes differ.
import { defineModule } from '../module.js'
import { copyLikeProps, gatherCopyLike, planCopyLike, readControllerFile, type CopyLikeArgs, type CopyLikeState } from './copylike.js'
import { isSet } from './paths.js'

export interface CopyArgs extends CopyLikeArgs {
  content?: string | null
}

export const copy = defineModule<CopyArgs, CopyLikeState>({
  name: 'copy',
  description: 'Copy content or a controller file to the target, with owner, group, mode, backup and validation.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['dest'],
    properties: {
      content: { type: ['string', 'null'], default: null, description: 'Text to write to dest (instead of src), written as given.' },
      src: { type: ['string', 'null'], default: null, description: "File on the controller: the role's files/ folder first, then the playbook's folder." },
      ...copyLikeProps,
      directory_mode: { type: ['string', 'integer', 'null'], default: null, description: "Mode of a destination folder created because dest ends with '/'." },
    },
  },
  example: [
    '- name: Let mail admins reload Postfix',
    '  copy:',
    '    content: "%mailadm ALL=(root) /usr/sbin/postfix reload\\n"',
    '    dest: /etc/sudoers.d/mailadm',
    "    mode: '0440'",
    '    backup: true',
    "    validate: 'visudo -cf %s'",
  ].join('\n'),
  async gather(args, ctx) {
    if (isSet(args.content) || !isSet(args.src)) return gatherCopyLike(args, ctx, Buffer.from(args.content ?? '', 'utf8'))
    const f = readControllerFile(ctx.findFile('files', args.src))
    return gatherCopyLike(args, ctx, f.content, f.mode)
  },
  plan(args, state, ctx) {
    if (!isSet(args.content) && !isSet(args.src)) return { changes: [], failed: 'src (or content) is required' }
    if (isSet(args.content) && isSet(args.src)) return { changes: [], failed: 'src and content are mutually exclusive' }
    return planCopyLike(args, state, ctx, args.content)
  },
})
