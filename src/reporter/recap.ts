// PLAY RECAP, laid out like Ansible's: host padded to 26, `key=N` padded to 4, counts colored when non-zero.
import type { HostStats } from '../executor/result.js'
import { banner } from './banner.js'
import type { Paint, Palette } from './paint.js'

const HOST_WIDTH = 26

export function formatRecap(hosts: Record<string, HostStats>, p: Palette): string {
  const names = Object.keys(hosts).sort()
  // Ansible uses a fixed %-26s; we widen it for long names so the columns still line up.
  const width = Math.max(HOST_WIDTH, ...names.map((n) => n.length))
  const lines = names.map((name) => {
    const s = hosts[name]!
    const fields: Array<[string, number, Paint]> = [
      ['ok', s.ok, p.ok],
      ['changed', s.changed, p.changed],
      ['unreachable', s.unreachable, p.unreachable],
      ['failed', s.failed, p.failed],
      ['skipped', s.skipped, p.skipped],
      ['rescued', s.rescued, p.ok],
      ['ignored', s.ignored, p.warn],
    ]
    // Padding stays outside the color codes so the last field can be trimmed cleanly.
    const cols = fields.map(([key, n, paint]) => {
      const text = `${key}=${n}`
      const pad = ' '.repeat(Math.max(0, key.length + 5 - text.length))
      return (n === 0 ? text : paint(text)) + pad
    })
    return `${hostColor(s, p)(name)}${' '.repeat(width - name.length)} : ${cols.join(' ')}`.trimEnd()
  })
  return `${banner('PLAY RECAP')}\n${lines.join('\n')}${lines.length ? '\n' : ''}`
}

/** The host name takes the color of the worst thing that happened to it. */
function hostColor(s: HostStats, p: Palette): Paint {
  if (s.failed > 0 || s.unreachable > 0) return p.failed
  if (s.changed > 0) return p.changed
  return p.ok
}
