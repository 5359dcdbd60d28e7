// mail_config_refs: one read of what a mail host's configuration refers to, for moving it to
// another host: the files postfix (main.cf, master.cf -o overrides, SASL), courier's TLS settings
// and the aliases (:include:, archive mboxes) name, the users' delivery files (.forward,
// .mailfilter, .procmailrc, .qmail*), the daemons postfix talks to, the mail ports the host
// listens on, master.cf, and the existing files as one base64 tar (owners by name, modes).
// Reads only, so it runs in --check as in a real run; the result carries keys: register it no_log.
import { sh } from '../../connection/quote.js'
import { defineModule, type ModuleContext } from '../module.js'
import { read } from '../read.js'
import { SECTION, sections } from '../system/common.js'
import {
  aliasRefs, courierTls, endpoints, excluded, firstOnce, listener, listeningPorts, saslConfPath, saslEnabled, saslRefs, settingRefs, settings, sortedOnce, type Ref,
} from './mail-config-refs-parse.js'

export interface MailConfigRefsArgs {
  uid_min: number
  uid_max: number
  exclude: string[]
  ports: number[]
  delivery_only: boolean
  known: Ref[]
}

export interface MailConfigRefsState {
  /** Before existence: what the configuration names (a full read), or the known refs and delivery files. */
  refs: Ref[]
  files: string[]
  daemons: Array<{ endpoint: string; name: string }>
  ports: number[]
  saslauthd: boolean
  saslauthd_runs: boolean
  master_cf: string
  courier_tls: Record<string, Record<string, string>>
  tar: string
}

const COURIER = ['imapd-ssl', 'pop3d-ssl']
const DELIVERY = ['.forward', '.mailfilter', '.procmailrc']

// $1 uid_min, $2 uid_max: the delivery files in the homes of the users in the range and root's,
// as "name<TAB>path".
const DELIVERY_FILES = `lo=$1; hi=$2
getent passwd | awk -F: -v lo="$lo" -v hi="$hi" '($3 >= lo && $3 <= hi) || $1 == "root" {print $1, $6}' |
while read -r n home; do
  for f in "$home"/${DELIVERY.join(' "$home"/')} "$home"/.qmail*; do [ -f "$f" ] && printf '%s\\t%s\\n' "$n" "$f"; done
done; true`

// The configuration's own read: postfix's settings, SASL's names, courier's TLS files, the listeners.
const CONFIG = `postconf -nx 2>/dev/null; echo ${SECTION}
postconf -Px 2>/dev/null; echo ${SECTION}
postconf -xh cyrus_sasl_config_path 2>/dev/null; echo ${SECTION}
postconf -h smtpd_sasl_type smtpd_sasl_path 2>/dev/null; echo ${SECTION}
${COURIER.map((f) => `[ -f /etc/courier/${f} ] && cat /etc/courier/${f}; echo ${SECTION}`).join('\n')}
ss -Hlxp 2>/dev/null; echo ${SECTION}
ss -Hltnp 2>/dev/null; echo ${SECTION}
pidof saslauthd >/dev/null && echo true; echo ${SECTION}
base64 -w0 /etc/postfix/master.cf; true`

// Each argument that is a file: its text, after a "@@file PATH" line.
const CAT = `for p; do [ -f "$p" ] && { echo "@@file $p"; cat -- "$p"; echo; }; done; true`
// Which arguments are files, then (after a section line) those files as a tar, base64.
const TAR_SCRIPT = `files=(); for p; do [ -f "$p" ] && { files+=("$p"); printf '%s\\n' "$p"; }; done; echo ${SECTION}
[ \${#files[@]} -gt 0 ] && tar -cPf - --no-recursion "\${files[@]}" 2>/dev/null | base64 -w0; true`

export const mailConfigRefs = defineModule<MailConfigRefsArgs, MailConfigRefsState>({
  name: 'mail_config_refs',
  description: "Read what a mail host's configuration refers to (postfix maps and files, SASL, courier TLS, aliases' targets, users' delivery files), its daemons and mail ports, with the files as a tar.",
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      uid_min: { type: 'integer', minimum: 0, default: 1000, description: 'Lowest uid of the mail users whose delivery files count (root always does).' },
      uid_max: { type: 'integer', minimum: 0, default: 59999, description: 'Highest uid of the mail users whose delivery files count.' },
      exclude: { type: 'array', items: { type: 'string' }, default: [], description: 'Paths to leave out (besides /etc/aliases and the spool, state, log and system folders).' },
      ports: { type: 'array', items: { type: 'integer' }, default: [25, 110, 143, 465, 587, 993, 995], description: 'The mail ports: `ports` lists the ones the host listens on.' },
      delivery_only: { type: 'boolean', default: false, description: 'Only the users\' delivery files and `known` (a second read, after the first checked the rest): no settings, daemons or ports.' },
      known: {
        type: 'array',
        default: [],
        items: { type: 'object', required: ['kind', 'where', 'path'], properties: { kind: { type: 'string' }, where: { type: 'string' }, path: { type: 'string' } } },
        description: 'With delivery_only: refs an earlier read found (kind, where, path), read again first.',
      },
    },
  },
  example: `- name: What old's mail configuration refers to
  mail_config_refs:
    uid_min: 2000
    uid_max: 2999
  no_log: true
  register: old_refs`,

  async gather(args, ctx) {
    const delivery = await deliveryFiles(ctx, args)
    if (args.delivery_only) {
      const refs = firstOnce([...args.known.map(({ kind, where, path }) => ({ kind, where, path })), ...delivery])
      return { refs, ...(await existing(ctx, refs, args.exclude)), daemons: [], ports: [], saslauthd: false, saslauthd_runs: false, master_cf: '', courier_tls: {} }
    }
    const out = (await read(ctx, CONFIG, { what: "reading the mail configuration's settings (postconf, courier, ss)" })).stdout
    const [main = '', master = '', saslDir = '', saslType = '', imapd = '', pop3d = '', ssUnix = '', ssTcp = '', runs = '', masterCf = ''] = sections(out, 10)
    const all = settings(main, master)
    const refs = settingRefs(all)
    const [type = '', path = ''] = saslType.split('\n')
    let saslauthd = false
    const conf = saslConfPath(saslDir.trim(), path)
    const tlsTexts = { imapd_ssl: imapd, pop3d_ssl: pop3d }
    const aliasFiles = [...new Set(refs.filter((r) => r.kind.startsWith('alias:')).map((r) => r.path))].sort()
    const sasl = saslEnabled(all) && type === 'cyrus'
    const texts = await fileTexts(ctx, [...(sasl ? [conf] : []), ...aliasFiles])
    if (sasl) {
      refs.push({ kind: 'file', where: 'SASL (smtpd_sasl_auth_enable)', path: conf })
      const s = saslRefs(conf, texts[conf] ?? '')
      saslauthd = s.saslauthd
      refs.push(...s.refs)
    }
    const courier: Record<string, Record<string, string>> = {}
    for (const [key, text] of Object.entries(tlsTexts)) {
      const tls = courierTls(text)
      courier[key] = tls
      const file = `/etc/courier/${key.replace('_', '-')}`
      for (const [k, p] of Object.entries(tls)) if (p !== '') refs.push({ kind: 'file', where: `${file} ${k}`, path: p })
    }
    for (const a of aliasFiles) if (texts[a] !== undefined) refs.push(...aliasRefs(a, texts[a]!))
    refs.push(...delivery)
    const once = sortedOnce(refs)
    return {
      refs: once,
      ...(await existing(ctx, once, args.exclude)),
      daemons: endpoints(all).map((e) => ({ endpoint: e, name: listener(e, ssUnix, ssTcp) ?? 'nothing listens on old' })),
      ports: listeningPorts(ssTcp, args.ports),
      saslauthd,
      saslauthd_runs: runs.trim() === 'true',
      master_cf: masterCf.trim(),
      courier_tls: courier,
    }
  },

  plan(args, st) {
    const files = new Set(st.files)
    const refs = st.refs.filter((r) => !excluded(r.path, args.exclude)).map((r) => ({ ...r, exists: files.has(r.path) }))
    const missing = refs.filter((r) => !r.exists && r.kind !== 'mbox').map((r) => `${r.where} refers to ${r.path}, which is missing on old`)
    const n = refs.length
    return {
      changes: [],
      data: { refs, missing: args.delivery_only ? [] : missing, daemons: st.daemons, ports: st.ports, saslauthd: st.saslauthd, saslauthd_runs: st.saslauthd_runs, master_cf: st.master_cf, courier_tls: st.courier_tls, tar: st.tar },
      reason: `${n} file${n === 1 ? '' : 's'} referred to, ${refs.filter((r) => r.exists).length} on the host`,
    }
  },
})

/** The users' delivery files (the uid range and root). */
async function deliveryFiles(ctx: ModuleContext, args: MailConfigRefsArgs): Promise<Ref[]> {
  const r = await read(ctx, sh`/bin/sh -c ${DELIVERY_FILES} mail_config_refs ${String(args.uid_min)} ${String(args.uid_max)}`, { what: "reading the users' delivery files" })
  return r.stdout.split('\n').filter((l) => l.includes('\t')).map((l) => ({ kind: 'userfile', where: l.slice(0, l.indexOf('\t')), path: l.slice(l.indexOf('\t') + 1) }))
}

/** The texts of those paths that are files. */
async function fileTexts(ctx: ModuleContext, paths: string[]): Promise<Record<string, string>> {
  if (paths.length === 0) return {}
  const r = await read(ctx, sh`/bin/sh -c ${CAT} mail_config_refs ${paths}`, { what: 'reading the SASL and aliases files' })
  const out: Record<string, string> = {}
  for (const part of r.stdout.split('@@file ').slice(1)) {
    const nl = part.indexOf('\n')
    out[nl < 0 ? part : part.slice(0, nl)] = nl < 0 ? '' : part.slice(nl + 1)
  }
  return out
}

/** Which refs (not excluded) are files, and those files as one base64 tar (absolute names, owners, modes). */
async function existing(ctx: ModuleContext, refs: Ref[], exclude: string[]): Promise<{ files: string[]; tar: string }> {
  const paths = refs.map((r) => r.path).filter((p) => !excluded(p, exclude))
  if (paths.length === 0) return { files: [], tar: '' }
  const r = await read(ctx, sh`/bin/bash -c ${TAR_SCRIPT} mail_config_refs ${paths}`, { what: 'reading the files the configuration refers to' })
  const [list = '', tar = ''] = sections(r.stdout, 2)
  return { files: list.split('\n').filter(Boolean), tar: tar.trim() }
}

