/**
 * Plugin instances into the portable model. gatelab's plugin configs are read as their plugins parse
 * them: path-rewrite's stripPrefix becomes `stripPrefix`; headers, header-modifier and the Kong
 * transformers become header operations; rate-limit (Kong's fixed windows or a vendor token bucket)
 * becomes one rate limit. Anything else is reported as dropped.
 */
import type { PluginInstanceIR } from '../ir.ts';
import type { PathRewriteConfig } from '../../plugins/path-rewrite/config.ts';
import type { HeadersConfig } from '../../plugins/headers/config.ts';
import type { HeaderModifierConfig } from '../../plugins/header-modifier/config.ts';
import type { UrlRewriteConfig } from '../../plugins/url-rewrite/config.ts';
import type { PRoute } from './model.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const KONG_PERIODS: Array<[string, number]> = [['second', 1], ['minute', 60], ['hour', 3600], ['day', 86400], ['month', 2592000], ['year', 31536000]];

function keyOf(raw: unknown): string {
  if (!isObj(raw)) return 'ip';
  if (raw['kind'] === 'header' && typeof raw['name'] === 'string') return `header:${raw['name']}`;
  return typeof raw['kind'] === 'string' ? raw['kind'] : 'ip';
}

/** Kong `rate-limiting` (no `algorithm`) or a flavour with one, read from the parsed config. */
function rateLimit(route: PRoute, config: unknown, drop: (m: string) => void): void {
  if (!isObj(config)) return;
  if (route.rateLimit) {
    drop('a second rate limit on the same route: the target keeps the first');
    return;
  }
  if (config['algorithm'] === 'token-bucket' && isObj(config['bucket'])) {
    const b = config['bucket'];
    if (b['flavour'] === 'traefik') {
      // Traefik's sourceCriterion keys (an X-Forwarded-For depth, the Host) have no portable form.
      const k = isObj(config['key']) ? config['key']['kind'] : undefined;
      const portable = k === 'ip-strategy' || k === 'host' ? 'ip' : keyOf(config['key']);
      if (portable !== keyOf(config['key'])) drop(`the rate limit's sourceCriterion (${String(k)}) has no portable form; the translation keys it by the client address`);
      route.rateLimit = { limit: Number(b['average'] ?? 0), periodSeconds: Number(b['periodMs'] ?? 1000) / 1000, burst: Number(b['burst'] ?? 1), key: portable, algorithm: 'token-bucket' };
      return;
    }
    drop(`a ${String(b['flavour'])} token bucket has no portable form; it is left out`);
    return;
  }
  if (config['algorithm'] !== undefined) {
    drop(`rate limiting with algorithm ${String(config['algorithm'])} has no portable form; it is left out`);
    return;
  }
  const set = KONG_PERIODS.filter(([p]) => typeof config[p] === 'number');
  const first = set[0];
  if (!first) return;
  if (set.length > 1) drop(`Kong limits several periods (${set.map(([p]) => p).join(', ')}); only the ${first[0]} limit is kept`);
  const by = config['limit_by'];
  const key = by === 'header' ? `header:${String(config['header_name'] ?? '')}` : by === 'ip' ? 'ip' : by === 'consumer' || by === 'credential' ? 'consumer' : by === 'service' ? 'global' : 'ip';
  route.rateLimit = { limit: Number(config[first[0]]), periodSeconds: first[1], key, algorithm: 'fixed-window' };
}

function nameValues(list: unknown): Array<[string, string]> {
  return Array.isArray(list) ? list.filter(isObj).map((nv) => [String(nv['name']), String(nv['value'])] as [string, string]) : [];
}

/** How a dropped-line message names a plugin: its vendor name, with gatelab's id when that adds something. */
export function pluginLabel(p: Pick<PluginInstanceIR, 'vendorName' | 'plugin'>): string {
  // Kong's names are the ids themselves ("jwt"), and Traefik's already end in "(<kind>)".
  if (p.vendorName === p.plugin || p.vendorName.endsWith(`(${p.plugin})`)) return p.vendorName;
  return `${p.vendorName} (${p.plugin})`;
}

export function applyPlugin(route: PRoute, p: PluginInstanceIR, drop: (m: string) => void, matchedPrefix?: string): void {
  const what = pluginLabel(p);
  switch (p.plugin) {
    case 'path-rewrite': {
      const c = p.config as PathRewriteConfig;
      if (c.type === 'stripPrefix' && c.prefixes.length > 0 && !route.stripPrefix) {
        route.stripPrefix = c.prefixes[0];
        if (c.prefixes.length > 1) drop(`${what}: only the first prefix (${c.prefixes[0]}) is kept`);
      } else drop(`${what}: ${c.type} has no portable form; it is left out`);
      return;
    }
    case 'headers': {
      const c = p.config as HeadersConfig;
      // Traefik's "" means remove; anything else sets the header.
      for (const [n, v] of c.customRequestHeaders) {
        if (v === '') route.requestHeaders.remove.push(n);
        else route.requestHeaders.set.push([n, v]);
      }
      for (const [n, v] of [...c.security, ...c.customResponseHeaders]) {
        if (v === '') route.responseHeaders.remove.push(n);
        else route.responseHeaders.set.push([n, v]);
      }
      if (c.cors) drop(`${what}: the CORS settings have no portable form; they are left out`);
      if (c.sts) drop(`${what}: Strict-Transport-Security (stsSeconds) is left out`);
      return;
    }
    case 'header-modifier': {
      const c = p.config as HeaderModifierConfig;
      const ops = c.target === 'request' ? route.requestHeaders : route.responseHeaders;
      ops.set.push(...c.set.map((h) => [h.name, h.value] as [string, string]));
      ops.add.push(...c.add.map((h) => [h.name, h.value] as [string, string]));
      ops.remove.push(...c.remove);
      return;
    }
    case 'url-rewrite': {
      const c = p.config as UrlRewriteConfig;
      if (c.path?.type === 'ReplacePrefixMatch' && c.path.value === '/' && matchedPrefix) route.stripPrefix = matchedPrefix;
      else drop(`${what}: only ReplacePrefixMatch "/" (a stripped prefix) is portable; this rewrite is left out`);
      if (c.hostname) drop(`${what}: the hostname rewrite is left out`);
      return;
    }
    case 'request-transformer':
    case 'response-transformer': {
      const c = p.config as Obj;
      const ops = p.plugin === 'request-transformer' ? route.requestHeaders : route.responseHeaders;
      const fam = (action: string): Obj => (isObj(c[action]) ? (c[action] as Obj) : {});
      const removed = fam('remove')['headers'];
      if (Array.isArray(removed)) ops.remove.push(...removed.map((h) => (isObj(h) ? String(h['name']) : String(h))));
      ops.set.push(...nameValues(fam('replace')['headers']), ...nameValues(fam('add')['headers']));
      ops.add.push(...nameValues(fam('append')['headers']));
      const other = ['rename', 'replace', 'add', 'append', 'remove'].filter((a) => Object.entries(fam(a)).some(([k, v]) => k !== 'headers' && (Array.isArray(v) ? v.length > 0 : v !== undefined)));
      if (other.length > 0 || (Array.isArray(fam('rename')['headers']) && (fam('rename')['headers'] as unknown[]).length > 0)) {
        drop(`${what}: only header add / replace / append / remove are portable; the rest is left out`);
      }
      return;
    }
    case 'rate-limit':
      rateLimit(route, p.config, (m) => drop(`${what}: ${m}`));
      return;
    default:
      drop(`${what}: no portable form; it is left out`);
  }
}
