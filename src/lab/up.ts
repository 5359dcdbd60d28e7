// `tsplay lab up`: preflight, network, hosts, provisioning, then keys and inventory. Every
// resource is recorded in the state file before it is made; any failure tears down what exists.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { OptionsError, TsplayError } from '../errors.js'
import { mapLimitSettled } from './settle.js'
import { BRIDGE_NETNS, CONTROLLER_IP, CONTROLLER_IP6, CONTROLLER_VETH, DEFAULT_STATE_DIR, HOST_NETNS_PREFIX, MAX_BENCH_HOSTS, SUBNET, SUBNET6,
  defaultInventoryDir, hostSpecs, MAIL_LAYOUTS, type MailLayout } from './config.js'
import { labDown } from './down.js'
import { prepareHostDir, startHost, writeInitScript } from './host.js'
import { writeInventory } from './inventory.js'
import { createBridge, createControllerLink, createHostNetwork, linkExists, netnsExists } from './network.js'
import { preflight } from './preflight.js'
import { labDns } from './provision/dns.js'
import { provisionHost } from './provision/host-roles.js'
import { makeControllerKey, sshPaths, writeSshFiles } from './ssh.js'
import { ensureRootfs, machineRelease, parseRelease } from './rootfs.js'
import { readState, writeState } from './state.js'
import { labStatus } from './status.js'
import type { HostState, LabState, LabUpOptions } from './types.js'

const PARALLEL = 8

export async function labUp(opts: LabUpOptions = {}): Promise<LabState> {
  const log = opts.log ?? (() => {})
  const stateDir = opts.stateDir ?? DEFAULT_STATE_DIR
  const inventoryDir = opts.inventoryDir ?? defaultInventoryDir()
  const bench = opts.hosts ?? 0
  // With nothing asked for, bring up the mail lab: that is what the suite is about.
  const mail = opts.mail ?? opts.hosts === undefined
  if (!Number.isInteger(bench) || bench < 0 || bench > MAX_BENCH_HOSTS) {
    throw new OptionsError(`--hosts must be a whole number from 0 to ${MAX_BENCH_HOSTS}, not ${bench}`)
  }
  if (!mail && bench === 0) throw new OptionsError('Nothing to bring up', { hint: 'Use --mail, --hosts N, or both.' })

  const releases = { old: opts.oldRelease ?? machineRelease(), new: opts.newRelease ?? machineRelease() }
  if (opts.oldRelease !== undefined) parseRelease(opts.oldRelease, '--old-release')
  if (opts.newRelease !== undefined) parseRelease(opts.newRelease, '--new-release')
  if (!mail && (opts.oldRelease || opts.newRelease)) throw new OptionsError('--old-release and --new-release need the mail hosts (--mail)')
  const mailLayout = (opts.mailLayout ?? 'system') as MailLayout
  if (!(MAIL_LAYOUTS as readonly string[]).includes(mailLayout)) {
    throw new OptionsError(`--mail-layout must be one of ${MAIL_LAYOUTS.join(', ')}, not '${mailLayout}'`)
  }

  await refuseIfUp(stateDir, log)
  await preflight(log)
  // Other releases' trees are built (once, minutes) before anything of the lab exists.
  const lowers: Record<string, string> = {}
  if (mail) await Promise.all([...new Set(Object.values(releases))].map(async (r) => (lowers[r] = await ensureRootfs(r, log))))

  const started = Date.now()
  const state: LabState = {
    version: 1, startedAt: new Date().toISOString(), stateDir, inventoryDir, subnet: SUBNET, subnet6: SUBNET6,
    controllerIp: CONTROLLER_IP, controllerIp6: CONTROLLER_IP6, bridgeNetns: BRIDGE_NETNS, controllerVeth: CONTROLLER_VETH, mail, mailLayout,
    hosts: [], ssh: sshPaths(stateDir), ready: false,
  }
  const save = (): void => writeState(state)
  save()
  try {
    writeInitScript(stateDir)
    log(`Network: bridge netns ${BRIDGE_NETNS}, controller ${CONTROLLER_IP} on ${CONTROLLER_VETH}`)
    await createBridge(BRIDGE_NETNS)
    await createControllerLink(BRIDGE_NETNS, CONTROLLER_VETH, CONTROLLER_IP, CONTROLLER_IP6)
    const specs = hostSpecs({ mail, hosts: bench })
    for (const s of specs) {
      const release = s.name === 'old' || s.name === 'new' ? releases[s.name] : machineRelease()
      state.hosts.push({ ...s, netns: `${HOST_NETNS_PREFIX}${s.name}`, veth: `vh-${s.name}`, dir: join(stateDir, 'hosts', s.name),
        release, lower: lowers[release] ?? '/' })
    }
    state.dns = mail ? labDns(state.hosts, opts.dnsTtl) : undefined
    save()
    const keyDone = makeControllerKey(state.ssh)
    log(`Starting ${specs.length} host(s): ${state.hosts.map((h) => (h.lower === '/' ? h.name : `${h.name} (${h.release})`)).join(' ')}`)
    await mapLimitSettled(state.hosts, PARALLEL, async (h) => {
      await prepareHostDir(h.dir)
      await createHostNetwork(BRIDGE_NETNS, h.netns, h.veth, h.ip, h.ip6!)
      await startHost(stateDir, h, save)
    })
    await keyDone
    const pub = readFileSync(state.ssh.publicKey, 'utf8')
    log('Provisioning: sshd' + (mail ? ', postfix, courier, users and mail on old, bind9 on client' : ''))
    const ctx = { hosts: state.hosts, controllerIp: CONTROLLER_IP, controllerPubKey: pub, messagesPerUser: opts.messagesPerUser ?? 20, dns: state.dns, mailLayout }
    const keys = await mapLimitSettled(state.hosts, PARALLEL, async (h: HostState) => ({ host: h, key: await provisionHost(h, ctx) }))
    writeSshFiles(state.ssh, state.hosts, keys)
    writeInventory(state)
    state.ready = true
    save()
    log(`Lab up in ${((Date.now() - started) / 1000).toFixed(1)} s; inventory ${inventoryDir}/hosts.yml`)
    return state
  } catch (e) {
    log(`Bring-up failed; tearing down what was made`)
    await labDown({ stateDir, log }).catch((d) => log(`Teardown also failed: ${(d as Error).message}`))
    throw e
  }
}

/** A live lab is never replaced silently (it may be mid-test); a dead one is cleaned first. */
async function refuseIfUp(stateDir: string, log: (line: string) => void): Promise<void> {
  if (readState(stateDir)) {
    const st = await labStatus({ stateDir })
    if (st.hosts.some((h) => h.alive)) {
      throw new TsplayError(`A lab is already up (${st.hosts.map((h) => h.name).join(', ')}; state in ${stateDir})`, {
        hint: 'Use it as it is, or run `tsplay lab down` first.',
      })
    }
    log('Cleaning up a lab that was left behind (its hosts are gone)')
    await labDown({ stateDir, log })
  }
  if (netnsExists(BRIDGE_NETNS) || (await linkExists(CONTROLLER_VETH))) {
    throw new TsplayError(`The lab network (${BRIDGE_NETNS} / ${CONTROLLER_VETH}) already exists but ${stateDir} records no lab`, {
      hint: 'Another lab is probably up with a different --state-dir; take that one down first.',
    })
  }
}
