// What a mail host's configuration refers to, worked out from what mail_config_refs read: the
// files postfix's settings name (maps, alias files, TLS and other *_file settings), the files an
// aliases file includes or delivers to, SASL's files, courier's TLS files, the daemons postfix
// talks to and the mail ports the host listens on. Pure, so fixtures test it with data alone.

export interface Ref {
  kind: string
  where: string
  path: string
}

/** One setting: where it is set (`main.cf`, `master.cf:smtp/inet`), its name and value. */
export interface Setting {
  where: string
  name: string
  value: string
}

/** `postconf -nx` and `postconf -Px` output → settings (master.cf's -o overrides by service). */
export function settings(main: string, master: string): Setting[] {
  const out: Setting[] = []
  for (const line of main.split('\n')) {
    const m = /^(\S+) = ?(.*)$/.exec(line)
    if (m) out.push({ where: 'main.cf', name: m[1]!, value: m[2]! })
  }
  for (const line of master.split('\n')) {
    const m = /^([^/]+\/[^/]+)\/(\S+) = ?(.*)$/.exec(line)
    if (m) out.push({ where: `master.cf:${m[1]!}`, name: m[2]!, value: m[3]! })
  }
  return out
}

const INDEXED = /^(hash|btree|lmdb|cdb|dbm|sdbm):(\/.*)$/
const FILE_TABLE = /^(regexp|pcre|cidr|texthash|ldap|mysql|pgsql|sqlite|memcache):(\/.*)$/
const FILE_SETTING = /(_file|_CAfile|_keyfile|_param_file)$/

/** The files the settings name: indexed tables (alias:TYPE for alias_maps/alias_database, else map:TYPE), file tables, *_file paths. */
export function settingRefs(all: Setting[]): Ref[] {
  const refs: Ref[] = []
  for (const s of all) {
    const where = `${s.where} ${s.name}`
    for (let t of s.value.replace(/[,{}]/g, ' ').split(/\s+/).filter(Boolean)) {
      while (t.startsWith('proxy:')) t = t.slice('proxy:'.length)
      const indexed = INDEXED.exec(t)
      const table = FILE_TABLE.exec(t)
      if (indexed) refs.push({ kind: `${s.name === 'alias_maps' || s.name === 'alias_database' ? 'alias' : 'map'}:${indexed[1]!}`, where, path: indexed[2]! })
      else if (table) refs.push({ kind: 'file', where, path: table[2]! })
      else if (t.startsWith('/') && FILE_SETTING.test(s.name)) refs.push({ kind: 'file', where, path: t })
    }
  }
  return refs
}

/** Whether postfix authenticates SMTP clients (smtpd_sasl_auth_enable = yes in main.cf or an override). */
export const saslEnabled = (all: Setting[]): boolean => all.some((s) => s.name === 'smtpd_sasl_auth_enable' && s.value === 'yes')

/** cyrus' smtpd.conf path: cyrus_sasl_config_path (or /etc/postfix/sasl), smtpd_sasl_path + .conf. */
export const saslConfPath = (configPath: string, saslPath: string): string => `${configPath || '/etc/postfix/sasl'}/${saslPath}.conf`

/** What cyrus' smtpd.conf names: saslauthd's settings, the sasldb. */
export function saslRefs(conf: string, text: string): { refs: Ref[]; saslauthd: boolean } {
  const lines = text.split('\n')
  const refs: Ref[] = []
  const saslauthd = lines.some((l) => /^pwcheck_method:.*saslauthd/.test(l))
  if (saslauthd) refs.push({ kind: 'file', where: `SASL ${conf}`, path: '/etc/default/saslauthd' })
  if (lines.some((l) => /^(auxprop_plugin|pwcheck_method):.*(sasldb|auxprop)/.test(l))) {
    const db = lines.map((l) => /^sasldb_path: *(.*)$/.exec(l)?.[1] ?? '').find((p) => p !== '')
    refs.push({ kind: 'file', where: `SASL ${conf}`, path: db ?? '/etc/sasldb2' })
  }
  return { refs, saslauthd }
}

const TLS = /^(TLS_CERTFILE|TLS_PRIVATE_KEYFILE|TLS_TRUSTCERTS|TLS_DHPARAMS)="?([^"]*)"?$/

/** courier's TLS_* settings of one file (imapd-ssl, pop3d-ssl), as written. */
export function courierTls(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const l of text.split('\n')) {
    const m = TLS.exec(l)
    if (m) out[m[1]!] = m[2]!
  }
  return out
}

/** What an aliases file :include:s and the files it delivers to (an archive mbox). */
export function aliasRefs(file: string, text: string): Ref[] {
  const refs: Ref[] = []
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').replace(/^[^:\s]+\s*:/, ' ')
    for (const part of line.split(',')) {
      const t = part.trim().replace(/^"/, '').replace(/"$/, '')
      if (t.startsWith(':include:/')) refs.push({ kind: 'include', where: file, path: t.slice(':include:'.length) })
      else if (t.startsWith('/')) refs.push({ kind: 'mbox', where: file, path: t })
    }
  }
  return refs
}

const ENDPOINT_SETTING = /^(smtpd_milters|non_smtpd_milters|content_filter|smtpd_proxy_filter|smtpd_[a-z_]*restrictions)$/
const ENDPOINT = /(inet:[^ ,]+|unix:\/[^ ,]+|\[(127\.0\.0\.1|localhost|::1)\]:[0-9]+)/g

/** The endpoints of the daemons postfix talks to (milters, policy services, content filters), sorted. */
export function endpoints(all: Setting[]): string[] {
  const found = all.filter((s) => ENDPOINT_SETTING.test(s.name)).flatMap((s) => s.value.match(ENDPOINT) ?? [])
  return [...new Set(found)].sort()
}

/** The process listening on an endpoint, from `ss -Hlxp` (unix) and `ss -Hltnp` (tcp), or null. */
export function listener(endpoint: string, ssUnix: string, ssTcp: string): string | null {
  const name = (line: string | undefined) => (line === undefined ? null : (/"([^"]+)"/.exec(line)?.[1] ?? null))
  if (endpoint.startsWith('unix:')) {
    const path = endpoint.slice('unix:'.length)
    return name(ssUnix.split('\n').find((l) => l.trim().split(/\s+/)[4] === path))
  }
  const port = endpoint.slice(endpoint.lastIndexOf(':') + 1)
  return name(ssTcp.split('\n').find((l) => localPort(l) === port))
}

/** The local port of an `ss -Hltn` line (its 4th column, after the last ':'). */
function localPort(line: string): string | undefined {
  const local = line.trim().split(/\s+/)[3]
  return local === undefined ? undefined : local.slice(local.lastIndexOf(':') + 1)
}

/** The ports of `ss -Hltn` that are among the mail ports, sorted, once each. */
export function listeningPorts(ssTcp: string, wanted: number[]): number[] {
  const ports = new Set(ssTcp.split('\n').map(localPort).filter((p): p is string => p !== undefined && /^\d+$/.test(p)).map(Number))
  return [...ports].filter((p) => wanted.includes(p)).sort((a, b) => a - b)
}

/** Left out: what the site excludes, /etc/aliases (the users role carries it), and what is no configuration. */
export function excluded(path: string, exclude: string[]): boolean {
  if (path === '/etc/aliases' || exclude.includes(path)) return true
  return /^\/(var\/spool\/postfix|var\/lib\/postfix|var\/log|usr|proc|dev)\//.test(path)
}

/** Once each path: sorted by path then kind, the first kind kept (a full read). */
export function sortedOnce(refs: Ref[]): Ref[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
  const seen = new Set<string>()
  return [...refs].sort((a, b) => cmp(a.path, b.path) || cmp(a.kind, b.kind)).filter((r) => !seen.has(r.path) && seen.add(r.path))
}

/** Once each path, in the order given (the final step: the earlier read's, then new delivery files). */
export function firstOnce(refs: Ref[]): Ref[] {
  const seen = new Set<string>()
  return refs.filter((r) => !seen.has(r.path) && seen.add(r.path))
}
