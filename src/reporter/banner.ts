// Ansible's section banners: `TASK [name] *****` padded with stars to 80 columns.

/** Ansible pads to the terminal width minus one; we fix it at an 80-column terminal so logs diff. */
const COLUMNS = 79

export function banner(title: string): string {
  const stars = Math.max(3, COLUMNS - title.length)
  return `${title} ${'*'.repeat(stars)}`
}

/** `role : name` the way Ansible labels tasks that come from a role. */
export function taskLabel(name: string, role?: string): string {
  // The executor may already have put the role in the name; never print it twice.
  if (!role || name.startsWith(`${role} : `)) return name
  return `${role} : ${name}`
}
