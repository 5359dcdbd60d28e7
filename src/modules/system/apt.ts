// apt: Debian packages present, absent or at the candidate version; optional cache update with
// an age limit. Check mode predicts `changed` from dpkg's state and apt-cache's candidates.
import type { ExecResult } from '../../connection/connection.js'
import { argv, sh } from '../../connection/quote.js'
import { defineModule, type Change } from '../module.js'
import { SECTION, attrDiff, readState, sections } from './common.js'

export interface AptArgs {
  name?: string | string[]
  state: 'present' | 'absent' | 'latest'
  update_cache: boolean
  cache_valid_time: number
  install_recommends: boolean | null
  purge: boolean
  autoremove: boolean
}

export interface AptState {
  /** dpkg's status (installed, config-files, half-installed...) and version per package. */
  dpkg: Record<string, { status: string; version: string }>
  /** apt-cache policy candidate per package; null = known but no candidate; missing = unknown. */
  candidates: Record<string, string | null>
  /** Seconds since the last successful `apt-get update`; null when unknown. */
  cacheAge: number | null
  /** Packages `apt-get autoremove` would remove now (only read with autoremove). */
  orphans: string[]
}

interface Spec {
  name: string
  version?: string
}

const NAME = /^[a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?$/
const VERSION = /^[A-Za-z0-9.+~:-]+\*?$/
const STAMP = '/var/lib/apt/periodic/update-success-stamp'
const ENV = { DEBIAN_FRONTEND: 'noninteractive' }

function specs(name: AptArgs['name']): Spec[] {
  const list = name === undefined ? [] : typeof name === 'string' ? name.split(',') : name
  return list.map((n) => n.trim()).filter(Boolean).map((n) => (n.includes('=') ? { name: n.slice(0, n.indexOf('=')), version: n.slice(n.indexOf('=') + 1) } : { name: n }))
}

const versionMatches = (have: string, want: string): boolean => (want.endsWith('*') ? have.startsWith(want.slice(0, -1)) : have === want)

/** apt-get's summary line: anything installed, upgraded or removed means the host changed. */
export function aptChanged(r: ExecResult): boolean {
  const m = /(\d+) upgraded, (\d+) newly installed, (?:(\d+) downgraded, )?(\d+) to remove/.exec(r.stdout)
  return m ? [m[1], m[2], m[3], m[4]].some((n) => Number(n ?? 0) > 0) : true
}

export function parsePolicy(text: string): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  let pkg: string | undefined
  for (const line of text.split('\n')) {
    const head = /^(\S+):$/.exec(line)
    if (head) pkg = head[1]
    const cand = /^\s+Candidate: (.*)$/.exec(line)
    if (cand && pkg !== undefined) out[pkg] = cand[1] === '(none)' ? null : cand[1]!
  }
  return out
}

export const apt = defineModule<AptArgs, AptState>({
  name: 'apt',
  description: 'Manage Debian packages with apt-get: present, absent or latest, with an optional cache update.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: ['string', 'array'], items: { type: 'string' }, aliases: ['package', 'pkg'], description: "Package name(s), a list or comma-separated; 'name=version' pins a version ('name=1.2*' a prefix)." },
      state: { enum: ['present', 'absent', 'latest'], default: 'present', description: 'present: installed (any version unless pinned); latest: at the candidate version; absent: removed.' },
      update_cache: { type: 'boolean', default: false, aliases: ['update-cache'], description: 'Run apt-get update first (alone, it reports changed).' },
      cache_valid_time: { type: 'integer', minimum: 0, default: 0, description: 'With update_cache: skip the update when the last one is younger than this many seconds (0: always update).' },
      install_recommends: { type: ['boolean', 'null'], default: null, aliases: ['install-recommends'], description: "Install recommended packages too. null (default): apt's own configuration decides (Debian: yes), as in Ansible." },
      purge: { type: 'boolean', default: false, description: 'With state absent: also remove configuration files (packages left with only config files count as present).' },
      autoremove: { type: 'boolean', default: false, description: 'Also remove packages that were installed as dependencies and are no longer needed.' },
    },
  },
  example: `- name: Mail server packages, cache at most an hour old
  apt:
    name: [postfix, courier-imap, courier-pop]
    update_cache: true
    cache_valid_time: 3600
    install_recommends: false`,

  async gather(args, ctx) {
    const names = specs(args.name).map((s) => s.name)
    const some = names.length > 0
    const script = [
      some ? sh`dpkg-query -W -f ${'${Package}\t${Version}\t${db:Status-Status}\n'} -- ${names} 2>/dev/null` : ':',
      sh`echo ${SECTION}`,
      some ? sh`apt-cache policy -- ${names} 2>/dev/null` : ':',
      sh`echo ${SECTION}`,
      sh`t=$(stat -c %Y ${STAMP} 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null) && echo $(( $(date +%s) - t ))`,
      sh`echo ${SECTION}`,
      args.autoremove ? sh`apt-get -s autoremove 2>/dev/null | sed -n ${'s/^Remv \\([^ ]*\\).*/\\1/p'}` : ':',
      'exit 0',
    ].join('\n')
    const [dpkg = '', policy = '', age = '', orphans = ''] = sections(await readState(ctx, script, 'the package state'), 4)
    const rows: AptState['dpkg'] = {}
    for (const l of dpkg.split('\n').filter(Boolean)) {
      const [pkg = '', version = '', status = ''] = l.split('\t')
      // dpkg lists a package once per architecture; an installed one wins.
      if (!rows[pkg] || status === 'installed') rows[pkg] = { status, version }
    }
    return { dpkg: rows, candidates: parsePolicy(policy), cacheAge: age.trim() === '' ? null : Number(age.trim()), orphans: orphans.split('\n').filter(Boolean) }
  },

  plan(args, state) {
    const list = specs(args.name)
    const bad = list.find((s) => !NAME.test(s.name) || (s.version !== undefined && !VERSION.test(s.version)))
    if (bad) return { changes: [], failed: `'${bad.name}${bad.version === undefined ? '' : `=${bad.version}`}' is not a valid package name` }
    const fresh = state.cacheAge !== null && args.cache_valid_time > 0 && state.cacheAge <= args.cache_valid_time
    const updating = args.update_cache && !fresh
    const installed = (n: string): string | undefined => (state.dpkg[n]?.status === 'installed' ? state.dpkg[n]!.version : undefined)
    const dpkgOpts = ['-o', 'Dpkg::Options::=--force-confdef', '-o', 'Dpkg::Options::=--force-confold']
    const recommends = args.install_recommends === null ? [] : ['-o', `APT::Install-Recommends=${args.install_recommends ? 'yes' : 'no'}`]
    const changes: Change[] = []
    const before: Record<string, string> = {}
    const after: Record<string, string> = {}
    const why: string[] = []
    let act: Spec[] = []

    if (args.state === 'absent') {
      act = list.filter((s) => installed(s.name) !== undefined || (args.purge && state.dpkg[s.name] !== undefined && state.dpkg[s.name]!.status !== 'not-installed'))
      for (const s of act) (before[s.name] = installed(s.name) ?? '(config files)'), (after[s.name] = '(absent)')
      if (list.length) why.push(act.length ? '' : `${list.map((s) => s.name).join(', ')} ${list.length > 1 ? 'are' : 'is'} not installed`)
    } else {
      for (const s of list) {
        const have = installed(s.name)
        const cand = state.candidates[s.name]
        let target: string | undefined
        if (s.version !== undefined) target = have !== undefined && versionMatches(have, s.version) ? undefined : s.version
        else if (have === undefined) target = cand ?? '(newest)'
        else if (args.state === 'latest' && cand && cand !== have) target = cand
        // An update may bring the package in; without one, apt cannot install what it does not know.
        if (target !== undefined && s.version === undefined && !cand && !updating) return { changes: [], failed: `No package matching '${s.name}' is available` }
        if (target === undefined) continue
        act.push(s)
        before[s.name] = have ?? '(absent)'
        after[s.name] = target
      }
      if (list.length && !act.length) why.push(`${list.map((s) => s.name + (installed(s.name) ? ` ${installed(s.name)}` : '')).join(', ')} already ${args.state === 'latest' ? 'at the newest version' : 'installed'}`)
    }

    // The cache update counts as a change only when it is all the task does (as Ansible), so
    // with packages --check does not predict one from it.
    if (updating) {
      changes.push({
        kind: 'exec',
        cmd: `apt-get update -q && mkdir -p /var/lib/apt/periodic && touch ${STAMP}`,
        env: ENV,
        changedWhen: () => list.length === 0,
        ...(list.length ? { predicted: false } : {}),
        parse: () => ({ cache_updated: true }),
      })
    }
    if (!updating && args.update_cache) why.push(`the cache is ${state.cacheAge}s old (valid for ${args.cache_valid_time}s)`)
    // After the update, candidates may be newer than the ones read: apt decides for every package,
    // and --check predicts only the upgrades the current candidates show.
    const upgradeAll = args.state === 'latest' && updating && list.length > 0
    if (act.length || upgradeAll) {
      const words = (upgradeAll ? list : act).map((s) => (s.version === undefined || args.state === 'absent' ? s.name : `${s.name}=${s.version}`))
      const cmd =
        args.state === 'absent'
          ? argv(['apt-get', 'remove', '-y', '-q', ...(args.purge ? ['--purge'] : []), ...(args.autoremove ? ['--autoremove'] : []), '--', ...words])
          : argv(['apt-get', 'install', '-y', '-q', ...dpkgOpts, ...recommends, '--', ...words])
      changes.push({ kind: 'exec', cmd, env: ENV, changedWhen: aptChanged, ...(act.length ? {} : { predicted: false }) })
    }
    const orphanStep = args.autoremove && state.orphans.length > 0 && !(args.state === 'absent' && act.length > 0)
    if (orphanStep) {
      changes.push({ kind: 'exec', cmd: argv(['apt-get', 'autoremove', '-y', '-q', ...(args.purge ? ['--purge'] : [])]), env: ENV, changedWhen: aptChanged })
      for (const o of state.orphans) (before[o] = installed(o) ?? '(installed)'), (after[o] = '(absent)')
    } else if (args.autoremove && !act.length) why.push('nothing to autoremove')
    const reason = why.filter(Boolean).join('; ') || 'nothing to do'
    const data = { cache_updated: false }
    if (changes.length === 0) return { changes, reason, data }
    const diff = Object.keys(after).length ? [attrDiff('packages', before, after)] : undefined
    // Only steps --check does not count (a cache update, an upgrade only it may bring): say why the packages need nothing.
    const onlyUpdate = act.length === 0 && !orphanStep && list.length > 0
    return { changes, ...(diff ? { diff } : {}), ...(onlyUpdate ? { reason } : {}), data }
  },
})
