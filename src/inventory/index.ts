// The inventory's public face: load (-i), select (hosts:, --limit), connect (connection vars).
export { loadInventory, INVENTORY_FILE_NAMES, type LoadOptions } from './load.js'
export { selectHosts, applyLimit, type Selection } from './patterns.js'
export { resolveHost, LOCALHOST_NAMES } from './localhost.js'
export { connectionSpec, CONNECTION_VARS, CONNECTION_VAR_NAMES, INVENTORY_MAGIC_VAR_NAMES, SECRET_VAR_NAMES } from './connection-vars.js'
export type { Inventory, InventoryHost, InventoryGroup } from './types.js'
