/**
 * Config of the ip-restriction plugin, in two flavours that share one idea (let an address in or not)
 * but not their rules:
 *
 * - `kong` — Kong's `ip-restriction` (kong/plugins/ip-restriction/schema.lua): `allow` and `deny`
 *   lists of IPs and CIDRs, IPv4 or IPv6, at least one of the two; `status` (default 403) and
 *   `message` (default "IP address not allowed: <client>") of the rejection.
 * - `traefik` — Traefik's `ipAllowList` and its v2 name `ipWhiteList` (traefik/traefik
 *   pkg/middlewares/ipallowlist/ip_allowlist.go `New`, pkg/config/dynamic/middlewares.go): a
 *   `sourceRange` that may not be empty, an `ipStrategy` that picks the address, and (ipAllowList only)
 *   `rejectStatusCode`, default 403, refused when Go has no text for it.
 *
 * The Traefik adapter hands over the middleware's fields with `flavour: traefik` (and `vendor`); the
 * Kong adapter hands over Kong's `config` as written, so no flavour means Kong.
 */
import { compileIpStrategy, type IpStrategy } from '../../net/ip-strategy.ts';
import { parseCidrList, type CidrMatcher } from '../../net/cidr.ts';
import type { ConfigReporter } from '../../pipeline/types.ts';
import { ConfigReader } from '../kit/config-reader.ts';
import { IP_STRATEGY_FIELDS, readIpStrategy } from '../rate-limit/source-criterion.ts';
import { goStatusText } from './go-status.ts';

export interface KongIpRestrictionConfig {
  flavour: 'kong';
  allow: CidrMatcher;
  deny: CidrMatcher;
  /** Default 403 (handler.lua do_exit: `status or 403`). */
  status: number;
  /** Unset: Kong's "IP address not allowed: <remote_addr>". */
  message?: string;
}

export interface TraefikIpAllowListConfig {
  flavour: 'traefik';
  /** Which middleware type it came from: the reason names it. */
  vendor: 'ipAllowList' | 'ipWhiteList';
  sourceRange: CidrMatcher;
  strategy: IpStrategy;
  rejectStatusCode: number;
}

export type IpRestrictionConfig = KongIpRestrictionConfig | TraefikIpAllowListConfig;

export const KONG_FIELDS = ['allow', 'deny', 'status', 'message'];
export const IP_ALLOW_LIST_FIELDS = ['sourceRange', 'ipStrategy', 'rejectStatusCode'];

export function parseIpRestrictionConfig(raw: unknown, report: ConfigReporter): IpRestrictionConfig {
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (obj['flavour'] === 'traefik') {
    const vendor = obj['vendor'] === 'ipWhiteList' ? 'ipWhiteList' : 'ipAllowList';
    const rest = Object.fromEntries(Object.entries(obj).filter(([k]) => k !== 'flavour' && k !== 'vendor'));
    return parseTraefik(rest, report, vendor);
  }
  return parseKong(raw, report);
}

/** Reads a list of IPs/CIDRs; bad entries are errors at their index (Kong's typedefs.ip_or_cidr, Go's ParseCIDR/ParseIP). */
function readList(r: ConfigReader, key: string, flavor: 'nginx' | 'go', label: string): CidrMatcher {
  const list = r.strList(key, []);
  const parsed = parseCidrList(list, { flavor });
  for (const e of parsed.errors) r.error([key, e.index], `${label}[${e.index}]: ${e.message}`);
  for (const w of parsed.warnings) {
    // cidr.ts words the mapped-range warning for nginx's realip; here the comparison is gatelab's own.
    const mapped = /IPv4-mapped IPv6 range; .*Write (\S+)$/.exec(w.message);
    const text = mapped
      ? `${w.entry} is an IPv4-mapped IPv6 range; gatelab compares a mapped client as IPv4, so this entry never matches. Write ${mapped[1]}`
      : w.message;
    r.warn([key, w.index], 'GL_W_NO_EFFECT', `${label}[${w.index}]: ${text}`);
  }
  return parsed.matcher;
}

function parseKong(raw: unknown, report: ConfigReporter): KongIpRestrictionConfig {
  const r = new ConfigReader(raw, report, KONG_FIELDS, [], 'ip-restriction');
  for (const old of ['whitelist', 'blacklist']) {
    // Removed in Kong 3.0 (the shorthand fields said "to be removed in Kong 3.0"); the reader has
    // already called it unknown, this says what replaced it.
    if (r.has(old)) r.error(old, `${old} was renamed ${old === 'whitelist' ? 'allow' : 'deny'} in Kong 2.1 and removed in 3.0`);
  }
  const allow = readList(r, 'allow', 'nginx', 'allow');
  const deny = readList(r, 'deny', 'nginx', 'deny');
  const given = (k: string): boolean => { const v = r.obj[k]; return Array.isArray(v) && v.length > 0; };
  if (!given('allow') && !given('deny')) {
    r.error([], 'at least one of these fields must be non-empty: \'config.allow\', \'config.deny\'', 'list the addresses to let in (allow) or keep out (deny)');
  }
  let status = 403;
  if (r.has('status')) {
    status = r.num('status', 403, { integer: true });
    // The schema takes any number, but kong.response.error refuses a code outside 100–599 and the
    // request ends in a 500; below 200 is not a final answer.
    if (status < 200 || status > 599) {
      r.error('status', `status ${status} cannot be the answer: kong.response.error takes 100–599, and a 1xx is not a final response`, 'use 403, or another code from 200 to 599');
      status = 403;
    }
  }
  const message = r.str('message');
  return { flavour: 'kong', allow, deny, status, ...(message !== undefined ? { message } : {}) };
}

function parseTraefik(raw: Record<string, unknown>, report: ConfigReporter, vendor: 'ipAllowList' | 'ipWhiteList'): TraefikIpAllowListConfig {
  const fields = vendor === 'ipWhiteList' ? ['sourceRange', 'ipStrategy'] : IP_ALLOW_LIST_FIELDS;
  const r = new ConfigReader(raw, report, fields, [], vendor);
  const sourceRange = readList(r, 'sourceRange', 'go', 'sourceRange');
  const listed = r.obj['sourceRange'];
  if (!Array.isArray(listed) || listed.length === 0) {
    r.error('sourceRange', 'sourceRange is empty, IPAllowLister not created: Traefik refuses the middleware', 'list the addresses or CIDRs to let in');
  }
  let rejectStatusCode = 403;
  if (r.has('rejectStatusCode')) {
    const code = r.num('rejectStatusCode', 0, { integer: true });
    // 0 is Go's zero value: "not given", so 403.
    if (code !== 0) {
      if (goStatusText(code) === '') r.error('rejectStatusCode', `invalid HTTP status code ${code}: Traefik refuses the middleware`);
      else if (code < 200) r.error('rejectStatusCode', `rejectStatusCode ${code} is informational: Traefik takes it, but a 1xx is not a final answer and the client keeps waiting`);
      else rejectStatusCode = code;
    }
  }
  return { flavour: 'traefik', vendor, sourceRange, strategy: readStrategy(r), rejectStatusCode };
}

/** `ipStrategy` read as rateLimit's is (rate-limit/source-criterion.ts); the TCP peer without one. */
function readStrategy(r: ConfigReader): IpStrategy {
  if (!r.has('ipStrategy')) return { kind: 'remote-addr' };
  return compileIpStrategy(readIpStrategy(r.sub('ipStrategy', IP_STRATEGY_FIELDS)) ?? {}).strategy;
}
