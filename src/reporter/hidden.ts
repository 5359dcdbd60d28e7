// no_log: what may be shown of a result whose data, messages and diffs must stay secret.
import type { ItemResult, TaskResult } from '../executor/result.js'

/** Ansible's exact wording, so people searching for it find the explanation. */
export const HIDDEN_MSG =
  "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

/** Only the status survives; everything that could carry a secret is replaced or dropped. */
export function censorResult(r: TaskResult): TaskResult {
  const out: TaskResult = { status: r.status, msg: HIDDEN_MSG, data: { censored: HIDDEN_MSG }, durationMs: r.durationMs }
  if (r.ignored !== undefined) out.ignored = r.ignored
  if (r.items) out.items = r.items.map(censorItem)
  return out
}

function censorItem(i: ItemResult): ItemResult {
  // The item and its label can be the secret (a password list), so Ansible prints item=None.
  return { ...censorResult(i), item: null, label: 'None' }
}
