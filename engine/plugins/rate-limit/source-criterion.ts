/**
 * Traefik's `rateLimit.sourceCriterion` (semantics §4): who shares a bucket, read exactly as Traefik
 * reads it (traefik/traefik pkg/config/dynamic/middlewares.go GetSourceExtractor and IPStrategy.Get,
 * pkg/ip/strategy.go). Only the `traefik` token bucket takes it, under Traefik's own field name, so a
 * diagnostic points at the line of the YAML that said it.
 *
 * - `ipStrategy` → an address: `depth: n` the n-th X-Forwarded-For entry from the right, else
 *   `excludedIPs` the first entry from the right not in the list, else the TCP peer; `ipv6Subnet`
 *   groups IPv6 results (engine/net/ip-strategy.ts does the picking).
 * - `requestHeaderName` → that header's first value; `requestHost` → the Host.
 * - More than one of the three: Traefik refuses the middleware with the error quoted below.
 * - None (an empty sourceCriterion): Traefik falls back to `ipStrategy: {}`, the TCP peer.
 *
 * Traefik never refuses an empty source: "" is one more bucket key, shared by every request that
 * yields it (a missing header, an X-Forwarded-For shorter than the depth).
 */
import { compileIpStrategy, type TraefikIpStrategyConfig } from '../../net/ip-strategy.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import type { KeySpec } from './key.ts';

export const SOURCE_CRITERION_FIELDS = ['ipStrategy', 'requestHeaderName', 'requestHost'] as const;
export const IP_STRATEGY_FIELDS = ['depth', 'excludedIPs', 'ipv6Subnet'] as const;

/** Which criteria a sourceCriterion mapping sets, in Traefik's order (an empty header name is unset, as in Go). */
export function criteriaSet(sc: Record<string, unknown>): string[] {
  const set: string[] = [];
  if (sc['ipStrategy'] !== undefined && sc['ipStrategy'] !== null) set.push('ipStrategy');
  if (typeof sc['requestHeaderName'] === 'string' ? sc['requestHeaderName'] !== '' : sc['requestHeaderName'] !== undefined && sc['requestHeaderName'] !== null) {
    set.push('requestHeaderName');
  }
  if (sc['requestHost'] === true) set.push('requestHost');
  return set;
}

/**
 * Traefik's own error text for two criteria at once (GetSourceExtractor), checked in its order;
 * undefined when at most one is set.
 */
export function exclusivityError(set: readonly string[]): string | undefined {
  const has = (k: string): boolean => set.includes(k);
  if (has('ipStrategy') && has('requestHeaderName')) return 'iPStrategy and RequestHeaderName are mutually exclusive';
  if (has('ipStrategy') && has('requestHost')) return 'iPStrategy and RequestHost are mutually exclusive';
  if (has('requestHeaderName') && has('requestHost')) return 'requestHost and RequestHeaderName are mutually exclusive';
  return undefined;
}

/**
 * Reads `sourceCriterion` (at `path` in the config) into the key it means; problems go to `report`.
 * `middleware` names the Traefik middleware it sits in (rateLimit or inFlightReq), so a message
 * points at the right one: both read sourceCriterion the same way.
 */
export function parseSourceCriterion(raw: unknown, report: ConfigReporter, path: Array<string | number> = ['sourceCriterion'], middleware = 'rateLimit'): KeySpec {
  const r = new ConfigReader(raw, report, SOURCE_CRITERION_FIELDS, path, `${middleware}.sourceCriterion`);
  const clash = exclusivityError(criteriaSet(r.obj));
  if (clash) {
    r.error([], `${clash}: Traefik refuses the middleware`, 'keep one of ipStrategy, requestHeaderName and requestHost');
    return { kind: 'ip-strategy', ipStrategy: {} };
  }
  const header = r.str('requestHeaderName');
  if (header !== undefined && header !== '') {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) r.error('requestHeaderName', `"${header}" is not a header name`);
    return { kind: 'header', name: header.toLowerCase(), asForwarded: true };
  }
  if (r.bool('requestHost', false)) return { kind: 'host' };
  if (!r.has('ipStrategy')) return { kind: 'ip-strategy', ipStrategy: {} };
  return { kind: 'ip-strategy', ipStrategy: readIpStrategy(r.sub('ipStrategy', IP_STRATEGY_FIELDS)) ?? {} };
}

/**
 * `ipStrategy` as Traefik's IPStrategy.Get reads it, for every middleware that picks a client address
 * (rateLimit's and inFlightReq's sourceCriterion, ipAllowList); engine/net/ip-strategy.ts does the
 * picking. Bad entries are errors at their line and undefined comes back; a field another one
 * overrides is warned and dropped, so the config says what runs.
 */
export function readIpStrategy(ip: ConfigReader): TraefikIpStrategyConfig | undefined {
  const config: TraefikIpStrategyConfig = {};
  const depth = ip.num('depth', 0, { min: 0, integer: true });
  if (depth > 0) config.depth = depth;
  const excluded = ip.strList('excludedIPs', []);
  if (excluded.length > 0) config.excludedIPs = excluded;
  if (ip.has('ipv6Subnet')) config.ipv6Subnet = ip.num('ipv6Subnet', 0, { integer: true });
  const compiled = compileIpStrategy(config);
  for (const e of compiled.errors) {
    const m = /^excludedIPs\[(\d+)\]: (.*)$/.exec(e);
    if (m) ip.error(['excludedIPs', Number(m[1])], `ipStrategy.excludedIPs: ${m[2]}`);
    else ip.error('ipv6Subnet', `ipStrategy: ${e}`);
  }
  if (compiled.errors.length > 0) return undefined;
  if (config.depth !== undefined && config.excludedIPs !== undefined) {
    ip.warn('excludedIPs', 'GL_W_NO_EFFECT', `excludedIPs has no effect: depth ${config.depth} is set, and Traefik's depth overrides excludedIPs`);
    delete config.excludedIPs;
  }
  if (config.excludedIPs !== undefined && config.ipv6Subnet !== undefined) {
    ip.warn('ipv6Subnet', 'GL_W_NO_EFFECT', 'ipv6Subnet has no effect with excludedIPs: Traefik groups IPv6 sources only for depth and for the remote address');
    delete config.ipv6Subnet;
  }
  return config;
}
