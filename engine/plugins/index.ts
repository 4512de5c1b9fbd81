/**
 * Every plugin gatelab knows, listed explicitly (no registration by import side effects), and how
 * each vendor names it.
 */
import type { PluginDefinition } from '../pipeline/types.ts';
import type { Dialect } from '../config/ir.ts';
import { rateLimitPlugin } from './rate-limit/plugin.ts';

export const PLUGINS: ReadonlyArray<PluginDefinition<any>> = [rateLimitPlugin];

/** Vendor plugin names → gatelab plugin ids. */
export const VENDOR_PLUGIN_NAMES: Partial<Record<Dialect, Record<string, string>>> = {
  kong: {
    'rate-limiting': 'rate-limit',
  },
};

export function findPlugin(id: string): PluginDefinition<any> | undefined {
  return PLUGINS.find((p) => p.id === id);
}

export function findVendorPlugin(dialect: Dialect, vendorName: string): PluginDefinition<any> | undefined {
  const id = VENDOR_PLUGIN_NAMES[dialect]?.[vendorName];
  return id ? findPlugin(id) : undefined;
}

export function knownVendorPluginNames(dialect: Dialect): string[] {
  return Object.keys(VENDOR_PLUGIN_NAMES[dialect] ?? {});
}
