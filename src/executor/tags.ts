// --tags / --skip-tags selection with Ansible's special tags: always, never, tagged, untagged, all.

export interface TagFilter {
  only: string[]
  skip: string[]
}

/** Whether a task with these (inherited) tags runs under the filter. */
export function tagsAllow(taskTags: readonly string[], f: TagFilter): boolean {
  const tags = new Set(taskTags)
  const only = new Set(f.only)
  const skip = new Set(f.skip)
  const matches = (set: Set<string>): boolean => {
    if (set.has('all') && !tags.has('never')) return true
    if (set.has('tagged') && tags.size > 0) return true
    if (set.has('untagged') && tags.size === 0) return true
    for (const t of tags) if (set.has(t)) return true
    return false
  }
  if (skip.size && matches(skip)) return false
  // 'always' runs unless skipped explicitly by name (handled above).
  if (tags.has('always')) return true
  if (only.size === 0 || only.has('all')) return !tags.has('never')
  return matches(only)
}
