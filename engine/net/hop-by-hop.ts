/**
 * Hop-by-hop headers (semantics §12): they describe one connection, so a proxy must not forward them.
 * Two readings live here: the generic RFC one (RFC 9110 §7.6.1 plus the RFC 2616 §13.5.1 names Go's
 * `httputil.ReverseProxy` also drops), and what Kong actually does, which is narrower.
 */
import type { HeaderMap } from '../pipeline/headers.ts';

/** Stripped whether or not Connection names them (lower case). */
export const HOP_BY_HOP_ALWAYS: readonly string[] = [
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'trailer',
];

/** Header names listed in a Connection value: comma separated, trimmed, lower case, no duplicates. */
export function parseConnectionTokens(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const raw of value.split(',')) {
      const token = raw.trim().toLowerCase();
      if (token !== '' && !out.includes(token)) out.push(token);
    }
  }
  return out;
}

/**
 * Removes, in place, every header named in any Connection line and then the always-stripped set.
 * Returns the lower-case names it actually removed, in removal order, for the trace.
 */
export function stripHopByHop(headers: HeaderMap): string[] {
  const removed: string[] = [];
  const drop = (name: string): void => {
    if (!removed.includes(name) && headers.delete(name)) removed.push(name);
  };
  for (const name of parseConnectionTokens(headers.getAll('Connection'))) drop(name);
  for (const name of HOP_BY_HOP_ALWAYS) drop(name);
  return removed;
}

export interface KongHopByHop {
  /**
   * Lower-case names of client headers whose values do not reach the upstream. Connection, and Upgrade
   * and TE when they apply, are then written fresh by Kong (the fields below).
   */
  removed: string[];
  /** The Connection value Kong sends upstream. */
  connection: string;
  /** `websocket` when the client asked for a WebSocket upgrade. */
  upgrade: string | undefined;
  /** `trailers` when the client said it accepts trailers. */
  te: string | undefined;
}

/** Always replaced or dropped by Kong's nginx template and nginx's proxy defaults (`ngx_http_proxy_headers`). */
const KONG_REPLACED = ['connection', 'upgrade', 'te', 'keep-alive', 'expect', 'transfer-encoding', 'proxy', 'proxy-connection'];
/** Kong's `csv()` skips these single values instead of reading them as header names. */
const CONNECTION_KEYWORDS = ['keep-alive', 'close', 'upgrade'];

/**
 * Kong's request-side rules (Kong/kong kong/runloop/handler.lua, access `after`; kong/templates/nginx_kong.lua):
 * - Headers named in the client's (first) Connection line are cleared, unless the line is a single
 *   `keep-alive`, `close` or `upgrade`; `upgrade` stays only for a WebSocket upgrade.
 * - `Proxy` and `Proxy-Connection` are cleared; nginx itself drops `Keep-Alive` and `Expect` and
 *   re-frames the body (so the client's `Transfer-Encoding` does not pass).
 * - Upstream gets `Connection: keep-alive` (`keep-alive, Upgrade` + `Upgrade: websocket` for a
 *   WebSocket), and `TE: trailers` only when the client listed `trailers`.
 * Unlike the generic rule, Kong forwards `Proxy-Authorization` and `Trailer` unless Connection names them.
 * Multiple lines: Kong's `get_header` reads the first line of a repeated header.
 */
export function kongHopByHop(incoming: HeaderMap): KongHopByHop {
  const upgradeHeader = incoming.get('Upgrade');
  const websocket = upgradeHeader !== undefined && upgradeHeader.toLowerCase() === 'websocket';
  const connectionLine = incoming.get('Connection');
  const listed =
    connectionLine === undefined || CONNECTION_KEYWORDS.includes(connectionLine.trim().toLowerCase())
      ? []
      : parseConnectionTokens([connectionLine]).filter((n) => !(n === 'upgrade' && websocket));
  const teLine = incoming.get('TE');
  const wantsTrailers = teLine !== undefined && parseConnectionTokens([teLine]).includes('trailers');
  // The candidates are few and already lower-case: asking `has` skips a Set of every header name.
  const removed: string[] = [];
  for (const name of listed) if (incoming.has(name) && !removed.includes(name)) removed.push(name);
  for (const name of KONG_REPLACED) if (incoming.has(name) && !removed.includes(name)) removed.push(name);
  return {
    removed,
    connection: websocket ? 'keep-alive, Upgrade' : 'keep-alive',
    upgrade: websocket ? 'websocket' : undefined,
    te: wantsTrailers ? 'trailers' : undefined,
  };
}
