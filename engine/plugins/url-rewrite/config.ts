/**
 * Config of the url-rewrite plugin: Gateway API's HTTPURLRewriteFilter (Extended support).
 */
import type { ConfigReporter } from '../../pipeline/types.ts';
import { HOSTNAME_PATTERN } from '../../routing/gateway-api-hostname.ts';
import { parsePathModifier, type PathModifier } from './path-modifier.ts';

export interface UrlRewriteConfig {
  /** Replaces the Host header sent upstream; unset keeps the client's Host. */
  hostname?: string;
  /** Replaces the path sent upstream (the query is kept); unset keeps the path. */
  path?: PathModifier;
}

export function parseUrlRewriteConfig(raw: unknown, report: ConfigReporter): UrlRewriteConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report.error([], 'GL_E_TYPE', 'urlRewrite must be a mapping with hostname or path');
    return {};
  }
  const obj = raw as Record<string, unknown>;
  const out: UrlRewriteConfig = {};
  const hostname = obj['hostname'];
  if (hostname !== undefined && hostname !== null) {
    if (typeof hostname !== 'string' || !HOSTNAME_PATTERN.test(hostname) || hostname.startsWith('*')) {
      report.error(['hostname'], 'GL_E_CONFIG_INVALID', `hostname must be a lower-case DNS name without wildcard, not ${JSON.stringify(hostname)}`);
    } else out.hostname = hostname;
  }
  const path = parsePathModifier(obj['path'], report, ['path']);
  if (path) out.path = path;
  return out;
}
