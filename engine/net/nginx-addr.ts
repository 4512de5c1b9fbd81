/**
 * How nginx reads one entry of X-Forwarded-For / X-Real-IP: `ngx_parse_addr_port` and the IPv4
 * reader `ngx_inet_addr` (nginx/nginx src/core/ngx_inet.c, src/core/ngx_parse.c). Ported on purpose,
 * quirks included, because realip's result depends on exactly which entries nginx accepts:
 *
 * - `1.2.3.4`, `1.2.3.4:8080`, `2001:db8::1` and `[2001:db8::1]:443` are addresses (port dropped).
 * - `[2001:db8::1]` without a port is *not*: the bracket form requires `:port`.
 * - IPv4 octets are decimal, leading zeros allowed (`010.0.0.1` is 10.0.0.1), an empty octet counts as 0
 *   (`1..2.3` is 1.0.2.3), and `255.255.255.255` is refused because it equals INADDR_NONE, the value
 *   `ngx_inet_addr` returns for "not an address".
 * - No zone ids (`fe80::1%eth0` is refused), no host names.
 *
 * IPv6 text is read with the standard grammar (ip-address.ts), which matches `ngx_inet6_addr` on every
 * form a proxy writes; nginx also accepts a few odd spellings (one leading colon) that we refuse.
 */
import { formatIpBytes, isIpv4MappedBytes, parseIpv6Bytes } from './ip-address.ts';

const V4_CHARS = /^[0-9.]*$/;
const PORT = /^\d+$/;

/** `ngx_inet_addr`: undefined where nginx returns INADDR_NONE. */
export function ngxInetAddr(text: string): number[] | undefined {
  if (!V4_CHARS.test(text)) return undefined;
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const o of octets) {
    // Digits accumulate left to right and nginx gives up as soon as the running value passes 255,
    // so a long run of leading zeros is fine and `256` is not.
    let value = 0;
    for (const c of o) {
      value = value * 10 + (c.charCodeAt(0) - 48);
      if (value > 255) return undefined;
    }
    bytes.push(value);
  }
  if (bytes.every((b) => b === 255)) return undefined;
  return bytes;
}

/** `ngx_parse_addr`: IPv4 first, then IPv6; returns the canonical text (mapped IPv6 as IPv4). */
export function ngxParseAddr(text: string): string | undefined {
  const v4 = ngxInetAddr(text);
  if (v4) return formatIpBytes(v4);
  const v6 = parseIpv6Bytes(text);
  if (!v6) return undefined;
  // nginx keeps a mapped address as AF_INET6 and prints it as ::ffff:a.b.c.d, but matches it as IPv4
  // (ngx_cidr_match). gatelab writes it in IPv4 form everywhere, the form Kong's default IPv4
  // listener would show; see cidr.ts.
  return formatIpBytes(isIpv4MappedBytes(v6) ? v6.slice(12) : v6);
}

/**
 * `ngx_parse_addr_port`: an address with an optional port. Returns the address (port dropped) or
 * undefined when nginx would decline the entry.
 */
export function parseNginxAddrPort(token: string): string | undefined {
  const direct = ngxParseAddr(token);
  if (direct !== undefined) return direct;
  let host: string;
  let port: string;
  if (token.startsWith('[')) {
    const close = token.indexOf(']');
    if (close < 0 || close === token.length - 1 || token[close + 1] !== ':') return undefined;
    host = token.slice(1, close);
    port = token.slice(close + 2);
  } else {
    const colon = token.indexOf(':');
    if (colon < 0) return undefined;
    host = token.slice(0, colon);
    port = token.slice(colon + 1);
  }
  if (!PORT.test(port)) return undefined;
  const n = Number(port);
  if (n < 1 || n > 65535) return undefined;
  return ngxParseAddr(host);
}
