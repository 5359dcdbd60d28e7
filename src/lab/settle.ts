// Like mapLimit, but every item runs to its end before the first error is thrown: teardown after
// a failed bring-up must not race with hosts that are still starting.
import { mapLimit } from '../util/limit.js'

export async function mapLimitSettled<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = await mapLimit(items, limit, async (item) => {
    try {
      return { ok: true as const, value: await fn(item) }
    } catch (error) {
      return { ok: false as const, error }
    }
  })
  const failed = results.find((r) => !r.ok)
  if (failed && !failed.ok) throw failed.error
  return results.map((r) => (r.ok ? r.value : (undefined as never)))
}
