/**
 * Reading one IP address literal, the way every other file in engine/net needs it: strict about the
 * text (no `127.1`, no `0x7f.0.0.1`, no octal-looking `010.1.1.1`), lenient about the wrapping a socket
 * or a URL adds (`[::1]`, `fe80::1%eth0`). ipaddr.js does the IPv6 arithmetic; the strictness is ours.
 */
import ipaddr from 'ipaddr.js';

export type IpFamily = 'ipv4' | 'ipv6';

/** An address as bytes (4 for IPv4, 16 for IPv6) plus its canonical text. */
export interface IpAddress {
  family: IpFamily;
  bytes: readonly number[];
  /** Dotted quad for IPv4, RFC 5952 (lower case, longest zero run compressed) for IPv6. */
  text: string;
}

const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;
const IPV6_CHARS = /^[0-9a-fA-F:.]+$/;

/**
 * Four decimal parts, each 0–255, no leading zeros. Leading zeros are refused because parsers
 * disagree on them (inet_aton reads `010` as octal 8, nginx as decimal 10, Go refuses): an address
 * that means different things to different hops is exactly what a spoofer wants.
 */
export function parseIpv4Bytes(text: string): number[] | undefined {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return undefined;
  const bytes = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  return bytes.every((b) => b <= 255) ? bytes : undefined;
}

/**
 * RFC 4291 text form without brackets or zone. A trailing dotted quad is converted to two hex groups
 * before ipaddr.js sees it, because ipaddr.js reads the deprecated `::1.2.3.4` as `::ffff:1.2.3.4`
 * (IPv4-mapped), which would silently turn an IPv6 address into an IPv4 one.
 */
export function parseIpv6Bytes(text: string): number[] | undefined {
  if (!IPV6_CHARS.test(text) || !text.includes(':')) return undefined;
  let hex = text;
  if (text.includes('.')) {
    const cut = text.lastIndexOf(':');
    const v4 = parseIpv4Bytes(text.slice(cut + 1));
    if (!v4) return undefined;
    const hi = ((v4[0] ?? 0) << 8) | (v4[1] ?? 0);
    const lo = ((v4[2] ?? 0) << 8) | (v4[3] ?? 0);
    hex = `${text.slice(0, cut + 1)}${hi.toString(16)}:${lo.toString(16)}`;
  }
  if (hex.split(':').some((group) => group.length > 4)) return undefined;
  if (!ipaddr.IPv6.isValid(hex)) return undefined;
  return ipaddr.IPv6.parse(hex).toByteArray();
}

/** True for the 16 bytes of `::ffff:a.b.c.d`. */
export function isIpv4MappedBytes(bytes: readonly number[]): boolean {
  if (bytes.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Dotted quad, or RFC 5952 IPv6 with a mapped address written `::ffff:a.b.c.d` as people read it. */
export function formatIpBytes(bytes: readonly number[]): string {
  if (bytes.length === 4) return bytes.join('.');
  if (isIpv4MappedBytes(bytes)) return `::ffff:${bytes.slice(12).join('.')}`;
  const parts: number[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  return new ipaddr.IPv6(parts).toRFC5952String();
}

/** Strips `[...]` and a `%zone`; undefined when the brackets are unbalanced or the zone is empty. */
function unwrap(input: string): string | undefined {
  let text = input;
  if (text.startsWith('[') || text.endsWith(']')) {
    if (!(text.startsWith('[') && text.endsWith(']'))) return undefined;
    text = text.slice(1, -1);
  }
  const zone = text.indexOf('%');
  if (zone >= 0) {
    // Zones (RFC 6874) scope link-local IPv6 addresses to an interface; they never change which
    // client it is, and an IPv4 address has none.
    if (zone === text.length - 1 || !text.slice(0, zone).includes(':')) return undefined;
    text = text.slice(0, zone);
  }
  return text;
}

/**
 * Parses an address and keeps its family as written: `::ffff:10.1.2.3` stays IPv6 here. CIDR parsing
 * needs that distinction (nginx and Go disagree about mapped ranges, see cidr.ts).
 */
export function parseIpLiteral(input: string): IpAddress | undefined {
  const text = unwrap(input);
  if (text === undefined) return undefined;
  const v4 = parseIpv4Bytes(text);
  if (v4) return { family: 'ipv4', bytes: v4, text: formatIpBytes(v4) };
  const v6 = parseIpv6Bytes(text);
  if (v6) return { family: 'ipv6', bytes: v6, text: formatIpBytes(v6) };
  return undefined;
}

/**
 * Parses an address the way a gateway compares client addresses: IPv4-mapped IPv6 becomes IPv4.
 * A dual-stack Node listener reports an IPv4 client as `::ffff:203.0.113.9`; nginx's `ngx_cidr_match`
 * and Go's `net.IP.To4` both treat that client as 203.0.113.9, and so do we.
 */
export function parseIp(input: string): IpAddress | undefined {
  const ip = parseIpLiteral(input);
  if (!ip || ip.family === 'ipv4' || !isIpv4MappedBytes(ip.bytes)) return ip;
  const v4 = ip.bytes.slice(12);
  return { family: 'ipv4', bytes: v4, text: formatIpBytes(v4) };
}

/** normalizeIp's answers for the addresses seen lately (a pure function of the text, so safe to keep). */
const normalizedIps = new Map<string, string | undefined>();
const NORMALIZED_IPS_MAX = 4096;

/**
 * The canonical text of an address: brackets and zone stripped, mapped IPv6 in IPv4 form, IPv6 in
 * RFC 5952 form. Undefined when the input is not an address.
 */
export function normalizeIp(input: string): string | undefined {
  // Every request normalises its peer (and the real-ip steps again) and peers repeat: a hit skips a
  // regex match, two arrays and a join. Cleared when full, so hostile inputs cannot grow it.
  const known = normalizedIps.get(input);
  if (known !== undefined || normalizedIps.has(input)) return known;
  const text = parseIp(input)?.text;
  if (normalizedIps.size >= NORMALIZED_IPS_MAX) normalizedIps.clear();
  normalizedIps.set(input, text);
  return text;
}

export function isValidIp(input: string): boolean {
  return parseIp(input) !== undefined;
}
