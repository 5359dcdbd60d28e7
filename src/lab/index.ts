// The lab behind `tsplay lab up|down|status|exec`: isolated test hosts on this machine.
export { labUp } from './up.js'
export { labDown } from './down.js'
export { labStatus, formatStatus } from './status.js'
export { labExec } from './exec.js'
export { generateMaildir, ODD_FOLDERS, type MaildirGenOptions, type MaildirGenResult } from './mailgen.js'
export { MAIL_USERS, MAIL_DOMAIN, SUBNET, CONTROLLER_IP, DEFAULT_STATE_DIR, defaultInventoryDir, hostSpecs } from './config.js'
export type { LabOptions, LabUpOptions, LabState, LabStatus, HostStatus, HostState, ExecResult } from './types.js'
export { pop3Uidl, imapFolders, type Pop3Result } from './probes.js'
