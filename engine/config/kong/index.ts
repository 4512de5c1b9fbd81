/** The Kong declarative 3.x dialect: adapter entry point and the facts other modules reuse. */
export { adaptKong, KONG_LISTENERS, KONG_NOT_FOUND, registryPluginLookup } from './adapt.ts';
export type { KongAdaptOptions, KongAdaptResult } from './adapt.ts';
export type { KongPluginLookup } from './context.ts';
export { KONG_PLUGIN_PRIORITIES, kongBundledPluginNames } from './bundled-plugins.ts';
export { KONG_REAL_IP_DEFAULTS } from './real-ip.ts';
export { kongEntityId, uuidV5 } from './uuid.ts';
