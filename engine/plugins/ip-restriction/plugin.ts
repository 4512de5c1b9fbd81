/**
 * The ip-restriction plugin: lets a request in or answers it by the client's address.
 *
 * Kong (`ip-restriction`, PRIORITY 990, access phase; kong/plugins/ip-restriction/handler.lua
 * `do_restrict`): the address is nginx's `binary_remote_addr`, i.e. the client *after* real-ip
 * (ctx.clientIp, semantics §6). `deny` is checked first and wins when both lists match; then a
 * non-empty `allow` must match. A rejection is `kong.response.error(status, message)`.
 *
 * Traefik (`ipAllowList` / `ipWhiteList`, pkg/middlewares/ipallowlist/ip_allowlist.go `ServeHTTP`):
 * the address is what the middleware's own `ipStrategy` picks (the TCP peer without one), checked by
 * pkg/ip/checker.go `IsAuthorized`; a rejection is the status and Go's text for it as the body.
 */
import type { CidrEntry, CidrMatcher } from '../../net/cidr.ts';
import { selectSourceIp } from '../../net/ip-strategy.ts';
import { parseIpLiteral } from '../../net/ip-address.ts';
import { next, reply, type PluginDefinition, type PluginHooks, type RequestContext, type Verdict } from '../../pipeline/types.ts';
import { kongErrorReply } from '../kit/kong-error-response.ts';
import { parseIpRestrictionConfig, type IpRestrictionConfig, type KongIpRestrictionConfig, type TraefikIpAllowListConfig } from './config.ts';
import { goStatusText } from './go-status.ts';

export const ipRestrictionPlugin: PluginDefinition<IpRestrictionConfig> = {
  id: 'ip-restriction',
  // Kong's PRIORITY (semantics §6): after the auth plugins, before acl (950) and rate-limiting (910).
  priority: 990,
  parse: parseIpRestrictionConfig,
  create(config): PluginHooks {
    return { access: (ctx) => (config.flavour === 'kong' ? kongAccess(config, ctx) : traefikAccess(config, ctx)) };
  },
};

const listText = (m: CidrMatcher): string => m.entries.map((e) => e.source).join(', ');

/** Where Kong's client address came from, in words: the realip module may have replaced the peer. */
function kongClient(ctx: RequestContext): string {
  const peer = ctx.request.peerIp;
  if (ctx.clientIp === peer) return `client ${peer} (the TCP peer; real-ip did not replace it)`;
  return `client ${ctx.clientIp} (real-ip took it from the forwarding header of peer ${peer})`;
}

function kongAccess(config: KongIpRestrictionConfig, ctx: RequestContext): Verdict {
  const ip = ctx.clientIp;
  const who = kongClient(ctx);
  // handler.lua do_exit: the default message names ngx.var.remote_addr, the address after realip.
  const message = config.message ?? `IP address not allowed: ${ip}`;
  const data = { client: ip, status: config.status };
  const denied = config.deny.find(ip);
  if (denied) {
    return kongErrorReply(ctx, config.status, message, `ip-restriction: ${who} is in deny ${denied.source} → ${config.status} "${message}" (deny is checked first and wins)`, { data: { ...data, rule: `deny ${denied.source}` } });
  }
  if (config.allow.entries.length > 0) {
    const allowed = config.allow.find(ip);
    if (!allowed) {
      return kongErrorReply(ctx, config.status, message, `ip-restriction: ${who} is not in allow ${listText(config.allow)} → ${config.status} "${message}"`, { data: { ...data, rule: 'allow' } });
    }
    return next(`ip-restriction: ${who} is in allow ${allowed.source}`, { client: ip, rule: `allow ${allowed.source}` });
  }
  return next(`ip-restriction: ${who} matches no deny entry (${listText(config.deny)})`, { client: ip, rule: 'deny' });
}

/**
 * Go's net.SplitHostPort, keeping only the host; on its error the whole text is the host, as
 * Checker.IsAuthorized does. An ipStrategy.depth entry may be "1.2.3.4:5678".
 */
function goHost(addr: string): string {
  if (addr.startsWith('[')) {
    const end = addr.indexOf(']');
    return end > 0 && addr[end + 1] === ':' ? addr.slice(1, end) : addr;
  }
  const first = addr.indexOf(':');
  return first >= 0 && first === addr.lastIndexOf(':') ? addr.slice(0, first) : addr;
}

/** What Go's net.ParseIP refuses and gatelab's parser would take: brackets, zones, IPv4 with a leading zero. */
function goParsable(host: string): boolean {
  if (host.includes('[') || host.includes('%')) return false;
  if (/^[\d.]+$/.test(host) && /(^|\.)0\d/.test(host)) return false;
  return parseIpLiteral(host) !== undefined;
}

/** pkg/ip/checker.go IsAuthorized: the matching entry, or Traefik's own words for why not. */
function goCheck(range: CidrMatcher, addr: string): { entry: CidrEntry } | { why: string } {
  if (addr === '') return { why: 'empty IP address' };
  const host = goHost(addr);
  if (!goParsable(host)) return { why: `unable to parse address: ${host}` };
  const entry = range.find(host);
  return entry ? { entry } : { why: `"${addr}" matched none of the trusted IPs` };
}

function traefikAccess(config: TraefikIpAllowListConfig, ctx: RequestContext): Verdict {
  // Headers as the entry point left them: without forwardedHeaders trust, X-Forwarded-For is gone.
  const picked = selectSourceIp(config.strategy, { remoteAddr: ctx.request.peerIp, headers: ctx.upstream.headers });
  const shown = picked.source === '' ? '""' : picked.source;
  const who = `client ${shown} (${picked.reason})`;
  const check = goCheck(config.sourceRange, picked.source);
  if ('entry' in check) return next(`${config.vendor}: ${who} is in sourceRange ${check.entry.source}`, { client: picked.source, rule: check.entry.source });
  const code = config.rejectStatusCode;
  const text = goStatusText(code);
  return reply(code, `${config.vendor}: ${who} is not in sourceRange ${listText(config.sourceRange)} → ${code} ${text} (${check.why})`, {
    // Go's server sniffs a non-empty body as text/plain.
    headers: [['Content-Type', 'text/plain; charset=utf-8']],
    body: text,
    data: { client: picked.source, status: code },
  });
}
