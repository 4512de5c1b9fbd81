/**
 * Every plugin gatelab knows, listed explicitly (no registration by import side effects), and how
 * each vendor names it.
 */
import type { PluginDefinition } from '../pipeline/types.ts';
import type { Dialect } from '../config/ir.ts';
import { rateLimitPlugin } from './rate-limit/plugin.ts';
import { headerModifierPlugin } from './header-modifier/plugin.ts';
import { urlRewritePlugin } from './url-rewrite/plugin.ts';
import { requestRedirectPlugin } from './request-redirect/plugin.ts';
import { requestMirrorPlugin } from './request-mirror/plugin.ts';

export const PLUGINS: ReadonlyArray<PluginDefinition<any>> = [
  rateLimitPlugin,
  // Gateway API filters (engine/config/gateway-api/filters.ts maps filter types to these ids).
  headerModifierPlugin,
  urlRewritePlugin,
  requestRedirectPlugin,
  requestMirrorPlugin,
];

/** Vendor plugin names → gatelab plugin ids. */
export const VENDOR_PLUGIN_NAMES: Partial<Record<Dialect, Record<string, string>>> = {
  kong: {
    'rate-limiting': 'rate-limit',
    // Not 'rate-limiting-advanced': the Kong adapter calls parse() without the vendor name, so the
    // plugin could not read it as `algorithm: sliding-window` (rate-limit/README.md).
  },
  'gateway-api': {
    RequestHeaderModifier: 'header-modifier',
    ResponseHeaderModifier: 'header-modifier',
    URLRewrite: 'url-rewrite',
    RequestRedirect: 'request-redirect',
    RequestMirror: 'request-mirror',
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
