/**
 * Traefik `ipStrategy` (semantics §4): which address a middleware (rateLimit `sourceCriterion`,
 * ipAllowList) treats as the client. Ported from traefik/traefik pkg/ip/strategy.go, pkg/ip/checker.go
 * and `IPStrategy.Get` in pkg/config/dynamic/middlewares.go:
 *
 * - `depth: n` (n > 0) → the n-th entry from the right of X-Forwarded-For, trimmed, *not validated*;
 *   fewer than n entries → "" (so every such request shares one bucket). Depth wins over excludedIPs.
 * - `excludedIPs` → scan X-Forwarded-For right to left, skip empty entries, return the first entry that
 *   is not in the list ("" when all are). An entry that is not an address is "not in the list", so it
 *   is returned as is.
 * - neither → the remote address (the TCP peer).
 * - `ipv6Subnet` (depth and remote address only) → an IPv6 result becomes the first address of its
 *   /ipv6Subnet, so one customer's /64 is one bucket.
 * X-Forwarded-For is read with Go's `Header.Get`: the first line only. Traefik's entryPoint has already
 * removed it unless the peer is in `forwardedHeaders.trustedIPs`; that step is not modelled here.
 */
import type { HeaderMap } from '../pipeline/headers.ts';
import { parseCidrList, type CidrMatcher } from './cidr.ts';
import { formatIpBytes, normalizeIp, parseIpLiteral } from './ip-address.ts';

/** The YAML shape: `ipStrategy: { depth, excludedIPs, ipv6Subnet }`. */
export interface TraefikIpStrategyConfig {
  depth?: number;
  excludedIPs?: string[];
  ipv6Subnet?: number;
}

export type IpStrategy =
  | { kind: 'remote-addr'; ipv6Subnet?: number }
  | { kind: 'depth'; depth: number; ipv6Subnet?: number }
  | { kind: 'excluded'; excluded: CidrMatcher };

export interface IpStrategyRequest {
  /** The TCP peer address. */
  remoteAddr: string;
  headers: HeaderMap;
}

export interface SourceIp {
  /** The bucket key's source part; may be "" or a non-address string, exactly as Traefik would key it. */
  source: string;
  reason: string;
}

/** `IPStrategy.Get`: picks the strategy and reports config errors Traefik would refuse to start with. */
export function compileIpStrategy(config: TraefikIpStrategyConfig | undefined): { strategy: IpStrategy; errors: string[] } {
  if (!config) return { strategy: { kind: 'remote-addr' }, errors: [] };
  const subnet = config.ipv6Subnet;
  const subnetErrors =
    subnet !== undefined && !(Number.isInteger(subnet) && subnet > 0 && subnet <= 128)
      ? [`invalid IPv6 subnet ${subnet} value, should be greater to 0 and lower or equal to 128`]
      : [];
  const withSubnet = subnet !== undefined && subnetErrors.length === 0 ? { ipv6Subnet: subnet } : {};
  if (config.depth !== undefined && config.depth > 0) {
    return { strategy: { kind: 'depth', depth: Math.floor(config.depth), ...withSubnet }, errors: subnetErrors };
  }
  if (config.excludedIPs && config.excludedIPs.length > 0) {
    const { matcher, errors } = parseCidrList(config.excludedIPs, { flavor: 'go' });
    return {
      strategy: { kind: 'excluded', excluded: matcher },
      errors: errors.map((e) => `excludedIPs[${e.index}]: ${e.message}`),
    };
  }
  return { strategy: { kind: 'remote-addr', ...withSubnet }, errors: subnetErrors };
}

/** Traefik's `getIPv6SubnetIP`: IPv6 only; anything else (IPv4, garbage) comes back unchanged. */
export function ipv6SubnetIp(ip: string, bits: number): string {
  // Go's netip.ParseAddr takes a zone but no brackets; a mapped address counts as IPv6 (Is6).
  const addr = ip.startsWith('[') ? undefined : parseIpLiteral(ip);
  if (!addr || addr.family !== 'ipv6') return ip;
  const masked = addr.bytes.map((b, i) => {
    const keep = Math.min(8, Math.max(0, bits - i * 8));
    return keep === 0 ? 0 : b & ((0xff << (8 - keep)) & 0xff);
  });
  return formatIpBytes(masked);
}

const ordinal = (n: number): string => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
};

function subnetNote(before: string, after: string, bits: number | undefined): string {
  return bits !== undefined && before !== after ? `, grouped by ipv6Subnet /${bits} as ${after}` : '';
}

/** The source address a Traefik middleware keys on. Pure: same request, same answer. */
export function selectSourceIp(strategy: IpStrategy, req: IpStrategyRequest): SourceIp {
  const xff = req.headers.get('X-Forwarded-For') ?? '';
  const parts = xff.split(',');
  if (strategy.kind === 'remote-addr') {
    const ip = normalizeIp(req.remoteAddr) ?? req.remoteAddr;
    const source = strategy.ipv6Subnet !== undefined ? ipv6SubnetIp(ip, strategy.ipv6Subnet) : ip;
    return { source, reason: `source is the remote address ${ip}${subnetNote(ip, source, strategy.ipv6Subnet)}` };
  }
  if (strategy.kind === 'depth') {
    const n = strategy.depth;
    const count = xff.trim() === '' ? 0 : parts.length;
    if (count === 0) {
      // Go splits "" into one empty entry, so depth 1 yields "" as well: same bucket either way.
      return { source: '', reason: `ipStrategy.depth=${n} but there is no X-Forwarded-For: source is "" (all such requests share one bucket)` };
    }
    if (parts.length < n) {
      return {
        source: '',
        reason: `ipStrategy.depth=${n} but X-Forwarded-For has ${count} ${count === 1 ? 'entry' : 'entries'}: source is "" (all such requests share one bucket)`,
      };
    }
    const ip = (parts[parts.length - n] ?? '').trim();
    const source = strategy.ipv6Subnet !== undefined ? ipv6SubnetIp(ip, strategy.ipv6Subnet) : ip;
    const shown = ip === '' ? '""' : ip;
    return {
      source,
      reason: `ipStrategy.depth=${n}: the ${ordinal(n)} X-Forwarded-For entry from the right is ${shown}${subnetNote(ip, source, strategy.ipv6Subnet)}`,
    };
  }
  const skipped: string[] = [];
  for (let i = parts.length - 1; i >= 0; i--) {
    const entry = (parts[i] ?? '').trim();
    if (entry === '') continue;
    const hit = strategy.excluded.find(entry);
    if (!hit) {
      const past = skipped.length ? ` past excluded ${skipped.join(', ')}` : '';
      return { source: entry, reason: `ipStrategy.excludedIPs: scanning X-Forwarded-For from the right${past}, ${entry} is the first not excluded` };
    }
    skipped.push(`${entry} (${hit.source})`);
  }
  return {
    source: '',
    reason:
      skipped.length === 0
        ? 'ipStrategy.excludedIPs: X-Forwarded-For is empty, so the source is ""'
        : `ipStrategy.excludedIPs: every X-Forwarded-For entry is excluded (${skipped.join(', ')}), so the source is ""`,
  };
}

/** Compile and select in one call, for tests and one-off use. */
export function traefikSourceIp(config: TraefikIpStrategyConfig | undefined, req: IpStrategyRequest): SourceIp {
  return selectSourceIp(compileIpStrategy(config).strategy, req);
}
