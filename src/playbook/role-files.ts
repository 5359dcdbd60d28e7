// Where roles live and which file of a role folder to read (main.yml, main.yaml or main).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** <playbook dir>/roles, <playbook dir>/../roles, then each TSPLAY_ROLES_PATH entry. */
export function roleSearchDirs(playDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.TSPLAY_ROLES_PATH ?? '').split(':').filter((p) => p !== '').map((p) => resolve(playDir, p))
  return [...new Set([join(playDir, 'roles'), resolve(playDir, '..', 'roles'), ...extra])]
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** The role folder for `name` (a bare name searched in `dirs`, or a path from `baseDir`). */
export function findRoleDir(name: string, dirs: string[], baseDir: string): string | undefined {
  if (name.includes('/')) {
    const p = resolve(baseDir, name)
    return isDir(p) ? p : undefined
  }
  for (const d of dirs) if (isDir(join(d, name))) return join(d, name)
  return undefined
}

/** Every role name found in `dirs`, for did-you-mean. */
export function roleNames(dirs: string[]): string[] {
  return dirs.flatMap((d) => (isDir(d) ? readdirSync(d).filter((n) => isDir(join(d, n))) : []))
}

/** `<dir>/<sub>/<base>.yml`, `.yaml` or no extension, whichever exists. */
export function roleFile(dir: string, sub: string, base = 'main'): string | undefined {
  for (const ext of ['.yml', '.yaml', '']) {
    const p = join(dir, sub, base + ext)
    if (existsSync(p) && !isDir(p)) return p
  }
  return undefined
}
