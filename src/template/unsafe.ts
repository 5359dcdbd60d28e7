// Ansible's `!unsafe` YAML tag: a text that is never rendered, whatever `{{ }}` it holds. Texts are
// remembered by content (strings carry no identity); the same text written elsewhere without the
// tag is then also left as is, which can only ever render less, never more.
const unsafe = new Set<string>()

/** Record a `!unsafe` text as read from YAML; returns it. */
export function markUnsafe(text: string): string {
  if (text.includes('{{') || text.includes('{%')) unsafe.add(text)
  return text
}

export function isUnsafe(text: string): boolean {
  return unsafe.size > 0 && unsafe.has(text)
}
