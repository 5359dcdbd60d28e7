// package_facts: the installed Debian packages as ansible_facts.packages, shaped like Ansible's.
import { sh } from '../../connection/quote.js'
import { defineModule } from '../module.js'
import { readState } from './common.js'

export interface PackageFactsArgs {
  manager: string | string[]
  strategy: 'first' | 'all'
}

export interface PackageInfo {
  name: string
  version: string
  arch: string
  source: 'apt'
}

export interface PackageFactsState {
  /** dpkg-query rows: name, version, arch, status. */
  output: string
}

export function parsePackages(output: string): Record<string, PackageInfo[]> {
  const packages: Record<string, PackageInfo[]> = {}
  for (const line of output.split('\n')) {
    const [name = '', version = '', arch = '', status = ''] = line.split('\t')
    if (!name || status !== 'installed') continue
    ;(packages[name] ??= []).push({ name, version, arch, source: 'apt' })
  }
  return packages
}

export const packageFacts = defineModule<PackageFactsArgs, PackageFactsState>({
  name: 'package_facts',
  description: 'Gather the installed packages (dpkg) as ansible_facts.packages.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      manager: {
        type: ['string', 'array'],
        items: { enum: ['auto', 'apt'] },
        default: ['auto'],
        description: "Package manager to read; only dpkg/apt is supported, so 'auto' means apt.",
      },
      strategy: { enum: ['first', 'all'], default: 'first', description: 'Accepted for Ansible compatibility; there is only one manager.' },
    },
  },
  example: `- package_facts:

- name: Postfix is installed
  assert:
    that: "'postfix' in ansible_facts.packages"`,

  async gather(_args, ctx) {
    const out = await readState(ctx, sh`dpkg-query -W -f ${'${Package}\t${Version}\t${Architecture}\t${db:Status-Status}\n'}`, 'the installed packages')
    return { output: out }
  },

  plan(args, state) {
    const managers = typeof args.manager === 'string' ? [args.manager] : args.manager
    const other = managers.find((m) => m !== 'auto' && m !== 'apt')
    if (other !== undefined) return { changes: [], failed: `package manager '${other}' is not supported (only apt)` }
    const packages = parsePackages(state.output)
    return { changes: [], facts: { packages }, reason: `${Object.keys(packages).length} packages installed` }
  },
})
