/**
 * The request headers Kong sends upstream (semantics §6, §12). Sources: Kong/kong kong/runloop/handler.lua
 * (access phase: X-Forwarded-*, Via, hop-by-hop), kong/templates/nginx_kong.lua (the proxy_set_header
 * list and its order), kong/tools/http.lua `get_header` (a repeated header reads as its first line).
 *
 * - X-Forwarded-For: the client's X-Forwarded-For + ", " + realip_remote_addr (the TCP peer), trusted
 *   or not; without one, `$remote_addr` (the client ip after realip).
 * - X-Forwarded-Proto/Host/Port/Path/Prefix: the client's values only when the peer is trusted, else
 *   Kong's own (scheme, Host, listener port, request path without query, the matched route prefix).
 * - X-Real-IP: the client ip after realip. Via: the client's Via + ", " + `<version> kong/<ver>`.
 * - A header Kong sets with an empty value is not sent at all (nginx skips empty proxy_set_header), and
 *   the client's own lines of every header Kong sets never pass.
 * Not here: Host (the balancer sets it, preserve_host) and X-Kong-Request-Id (needs the request id).
 */
import { HeaderMap } from '../pipeline/headers.ts';
import { kongHopByHop } from './hop-by-hop.ts';
import { normalizeIp } from './ip-address.ts';
import type { RealIpResult } from './real-ip.ts';

export { HOP_BY_HOP_ALWAYS, stripHopByHop } from './hop-by-hop.ts';

/** Kong's server token (`kong/meta.lua` 3.10.0); the Via entry Kong adds is `<http-version> kong/3.10.0`. */
export const KONG_VIA_TOKEN = 'kong/3.10.0';

export interface KongForwardingInput {
  /** The client's request headers, as received. */
  incoming: HeaderMap;
  /** The TCP peer. */
  peerIp: string;
  /** The realip outcome (resolveRealIp). Only clientIp and realipRemoteAddr are read. */
  realIp?: Pick<RealIpResult, 'clientIp' | 'realipRemoteAddr'>;
  /** Flat alternative to `realIp.clientIp`: nginx `$remote_addr` after realip. Default: the peer. */
  clientIp?: string;
  /** Flat alternative to `realIp.realipRemoteAddr`: nginx `$realip_remote_addr`. Default: the peer. */
  realipRemoteAddr?: string;
  /** The scheme of the client connection: `http` or `https`. */
  scheme: string;
  /** nginx `$host`: the request's host name without port. */
  host: string;
  /** The port Kong accepted the request on. */
  port: number | string;
  /** The request URI as received (a query is cut off for X-Forwarded-Path). */
  path: string;
  /** Whether the peer is in trusted_ips (Kong's `kong.ip.is_trusted(realip_remote_addr)`). */
  trustedPeer: boolean;
  /** The prefix the route matched; sent as X-Forwarded-Prefix unless it is `/`. */
  prefix?: string;
  /** HTTP version of the client request: `1.0`, `1.1`, `2`, `3`. Default `1.1`. */
  httpVersion?: string;
  /** The `<received-by>` token of the Via entry. Default {@link KONG_VIA_TOKEN}. */
  viaToken?: string;
}

export interface KongForwardedValues {
  proto: string;
  host: string;
  port: string;
  path: string;
  prefix: string | undefined;
}

/** Cuts the query off a request URI, as Kong does (`find(uri, "?", 2)`: a `?` in first position stays). */
export function pathWithoutQuery(uri: string): string {
  const q = uri.indexOf('?', 1);
  return q < 0 ? uri : uri.slice(0, q);
}

/** X-Forwarded-Proto/Host/Port/Path/Prefix: passed through only from a trusted peer (semantics §6). */
export function kongForwardedValues(
  input: Pick<KongForwardingInput, 'incoming' | 'scheme' | 'host' | 'port' | 'path' | 'trustedPeer' | 'prefix'>,
): KongForwardedValues {
  const own: KongForwardedValues = {
    proto: input.scheme,
    host: input.host,
    port: String(input.port),
    path: pathWithoutQuery(input.path),
    prefix: input.prefix !== undefined && input.prefix !== '/' ? input.prefix : undefined,
  };
  if (!input.trustedPeer) return own;
  const h = input.incoming;
  return {
    proto: h.get('X-Forwarded-Proto') ?? own.proto,
    host: h.get('X-Forwarded-Host') ?? own.host,
    port: h.get('X-Forwarded-Port') ?? own.port,
    path: h.get('X-Forwarded-Path') ?? own.path,
    prefix: h.get('X-Forwarded-Prefix') ?? own.prefix,
  };
}

/** X-Forwarded-For upstream: always appends the TCP peer to what the client sent (semantics §6, §12). */
export function kongForwardedFor(incomingXff: string | undefined, realipRemoteAddr: string, remoteAddr: string): string {
  return incomingXff !== undefined ? `${incomingXff}, ${realipRemoteAddr}` : remoteAddr;
}

/**
 * Via upstream (RFC 9110 §7.6.3; protocol name omitted for HTTP). Kong concatenates the Lua number from
 * `ngx.req.http_version()`, so HTTP/2 reads `2` and HTTP/1.0 reads `1`.
 */
export function kongVia(incomingVia: string | undefined, httpVersion = '1.1', viaToken = KONG_VIA_TOKEN): string {
  // Nearly every request is HTTP/1.1 with Kong's token: one string made once instead of two per request.
  const entry = httpVersion === '1.1' && viaToken === KONG_VIA_TOKEN ? DEFAULT_VIA_ENTRY : viaEntry(httpVersion, viaToken);
  return incomingVia !== undefined ? `${incomingVia}, ${entry}` : entry;
}

function viaEntry(httpVersion: string, viaToken: string): string {
  const version = Number(httpVersion);
  return `${Number.isFinite(version) ? String(version) : httpVersion} ${viaToken}`;
}

const DEFAULT_VIA_ENTRY = viaEntry('1.1', KONG_VIA_TOKEN);

/** The headers nginx_kong.lua sets, in its order; client lines with these names never pass. */
const KONG_SET_ORDER = [
  'TE',
  'Via',
  'Host',
  'Upgrade',
  'Connection',
  'X-Forwarded-For',
  'X-Forwarded-Proto',
  'X-Forwarded-Host',
  'X-Forwarded-Port',
  'X-Forwarded-Path',
  'X-Forwarded-Prefix',
  'X-Real-IP',
] as const;

/** KONG_SET_ORDER lowercased, built once (the per-request skip test). */
const KONG_SET_LOWER: ReadonlySet<string> = new Set(KONG_SET_ORDER.map((n) => n.toLowerCase()));

/**
 * The upstream request headers Kong builds from the client's: Kong's own headers first (template
 * order, empty ones omitted), then the client's remaining headers in arrival order, hop-by-hop ones
 * removed. Host is carried over from the client for the balancer to overwrite in place.
 */
export function kongUpstreamForwarding(input: KongForwardingInput): HeaderMap {
  const { incoming } = input;
  const hop = kongHopByHop(incoming);
  const fwd = kongForwardedValues(input);
  const peer = normalizeIp(input.peerIp) ?? input.peerIp;
  const clientIp = input.realIp?.clientIp ?? input.clientIp ?? peer;
  const remote = input.realipRemoteAddr ?? input.realIp?.realipRemoteAddr ?? peer;
  // Appended in KONG_SET_ORDER as each value is worked out: no record of twelve values per request.
  const out = new HeaderMap();
  appendSet(out, 'TE', hop.te);
  appendSet(out, 'Via', kongVia(incoming.get('Via'), input.httpVersion, input.viaToken));
  appendSet(out, 'Host', incoming.get('Host'));
  appendSet(out, 'Upgrade', hop.upgrade);
  appendSet(out, 'Connection', hop.connection);
  appendSet(out, 'X-Forwarded-For', kongForwardedFor(incoming.get('X-Forwarded-For'), remote, clientIp));
  appendSet(out, 'X-Forwarded-Proto', fwd.proto);
  appendSet(out, 'X-Forwarded-Host', fwd.host);
  appendSet(out, 'X-Forwarded-Port', fwd.port);
  appendSet(out, 'X-Forwarded-Path', fwd.path);
  appendSet(out, 'X-Forwarded-Prefix', fwd.prefix);
  appendSet(out, 'X-Real-IP', clientIp);
  const removed = hop.removed;
  // By index with the lower-case name already known: no pair per header, no second lower-casing.
  for (let i = 0; i < incoming.size; i++) {
    const lower = incoming.lowerAt(i);
    if (!KONG_SET_LOWER.has(lower) && (removed.length === 0 || !removed.includes(lower))) out.appendLine(incoming.nameAt(i), lower, incoming.valueAt(i));
  }
  return out;
}

/** A header Kong sets with an empty value is not sent at all (nginx skips an empty proxy_set_header). */
function appendSet(out: HeaderMap, name: (typeof KONG_SET_ORDER)[number], value: string | undefined): void {
  if (value !== undefined && value !== '') out.append(name, value);
}
