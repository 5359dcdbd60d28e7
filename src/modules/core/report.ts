// report: hand data to a section of the HTML run report (docs/report.md). Changes nothing; the
// executor sends the data as a `report` run event, which every reporter may use or ignore.
import { defineModule } from '../module.js'

export interface ReportArgs {
  section: string
  data: Record<string, unknown>
}

export const report = defineModule<ReportArgs, null>({
  name: 'report',
  description: 'Add data to a section of the run report (tsplay --report); changes nothing.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['section', 'data'],
    properties: {
      section: {
        type: 'string',
        pattern: '^[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)*$',
        description: "Where the data goes: dotted lowercase words, e.g. 'migration.mailboxes'. docs/report.md lists the sections the report draws; others are shown as tables.",
      },
      data: { type: 'object', description: 'The values, usually from registered results; shown as-is (secrets stay masked).' },
    },
  },
  example: `- name: The message counts, for the run report
  report:
    section: migration.mailboxes
    data:
      comparison: "{{ verify_digest.comparison }}"`,

  async gather() {
    return null
  },

  plan(args) {
    return { changes: [], reason: `added to the report's ${args.section} section`, report: { section: args.section, data: args.data } }
  },
})
