/**
 * Lists of trusted (or excluded) addresses and ranges: Kong `trusted_ips`, nginx `set_real_ip_from`,
 * Traefik `forwardedHeaders.trustedIPs` and `ipStrategy.excludedIPs`. Bad entries are reported with
 * their index, never thrown, so a config loader can point at the exact line.
 *
 * IPv4-mapped IPv6 (`::ffff:10.1.2.3`), the choice and why:
 * - A mapped *client address* is always compared as IPv4. nginx's `ngx_cidr_match` (src/core/ngx_inet.c)
 *   turns an AF_INET6 address that is IN6_IS_ADDR_V4MAPPED into AF_INET before comparing, and Go's
 *   `net.IPNet.Contains` calls `ip.To4()` first. So `::ffff:10.1.2.3` is inside `10.0.0.0/8`, and it is
 *   *not* inside `::/0` (a v6 range never sees a mapped client).
 * - A mapped *range* in the list is where the two disagree. nginx keeps `set_real_ip_from ::ffff:10.0.0.0/104`
 *   as an IPv6 range, and since every mapped client was already turned into IPv4, that entry can never
 *   match: 10.1.2.3 is not inside it, in either spelling. Go's `networkNumberAndMask` instead reads a
 *   range whose network is mapped as the IPv4 range it embeds (/104 → /8). The default flavor is
 *   `nginx` (Kong is nginx) and such an entry earns a warning that says what to write instead;
 *   flavor `go` (Traefik) applies Go's reading.
 */
import { formatIpBytes, isIpv4MappedBytes, parseIp, parseIpLiteral, type IpFamily } from './ip-address.ts';

export { isValidIp, normalizeIp } from './ip-address.ts';

/** Whose reading of IPv4-mapped ranges to apply: nginx (Kong, ingress-nginx) or Go (Traefik). */
export type CidrFlavor = 'nginx' | 'go';

export interface CidrEntry {
  /** Position in the list as given, for diagnostics. */
  index: number;
  /** The entry as written (trimmed). */
  source: string;
  family: IpFamily;
  /** Network address with the host bits cleared (4 or 16 bytes). */
  network: readonly number[];
  prefix: number;
  /** Canonical `network/prefix`, e.g. `173.245.48.0/20`. */
  text: string;
}

export interface CidrIssue {
  index: number;
  entry: string;
  message: string;
}

export interface CidrMatcher {
  readonly flavor: CidrFlavor;
  readonly entries: readonly CidrEntry[];
  /** True when the address lies in any entry; false for anything that is not an address. */
  contains(ip: string): boolean;
  /** The first entry (in list order) that contains the address, for "trusted (173.245.48.0/20)" reasons. */
  find(ip: string): CidrEntry | undefined;
}

export interface CidrListResult {
  matcher: CidrMatcher;
  errors: CidrIssue[];
  warnings: CidrIssue[];
}

export interface CidrListOptions {
  flavor?: CidrFlavor;
}

const PREFIX = /^\d{1,3}$/;

function maskBytes(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((b, i) => {
    const bits = Math.min(8, Math.max(0, prefix - i * 8));
    return bits === 0 ? 0 : b & ((0xff << (8 - bits)) & 0xff);
  });
}

function sameBytes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

type ParsedEntry = { entry: CidrEntry; warning?: string } | { error: string } | { skip: string };

function parseEntry(raw: string, index: number, flavor: CidrFlavor): ParsedEntry {
  const source = raw.trim();
  if (source === '') return { error: 'empty entry' };
  if (source === 'unix:') {
    return { skip: '"unix:" trusts UNIX-domain socket peers; gatelab peers are always TCP, so it matches nothing here' };
  }
  const slash = source.lastIndexOf('/');
  const addrText = slash < 0 ? source : source.slice(0, slash);
  const ip = parseIpLiteral(addrText);
  if (!ip || addrText.includes('%') || addrText.startsWith('[')) {
    return { error: `"${source}" is not an IP address or CIDR block (gatelab does not resolve host names)` };
  }
  const max = ip.family === 'ipv4' ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = source.slice(slash + 1);
    if (!PREFIX.test(p) || Number(p) > max) {
      return { error: `"${source}" has prefix length "${p}"; ${ip.family === 'ipv4' ? 'IPv4' : 'IPv6'} allows 0–${max}` };
    }
    prefix = Number(p);
  }
  let family = ip.family;
  let network = maskBytes(ip.bytes, prefix);
  let warning: string | undefined;
  if (!sameBytes(network, ip.bytes)) {
    warning = `low address bits of ${source} are meaningless (nginx warns the same); it means ${formatIpBytes(network)}/${prefix}`;
  }
  if (family === 'ipv6' && prefix >= 96 && isIpv4MappedBytes(network)) {
    const v4 = network.slice(12).join('.') + (prefix === 128 ? '' : `/${prefix - 96}`);
    if (flavor === 'go') {
      family = 'ipv4';
      network = network.slice(12);
      prefix -= 96;
    } else {
      warning = `${source} is an IPv4-mapped IPv6 range; nginx compares mapped clients as IPv4, so this entry never matches. Write ${v4}`;
    }
  }
  const text = `${formatIpBytes(network)}/${prefix}`;
  return { entry: { index, source, family, network, prefix, text }, ...(warning ? { warning } : {}) };
}

function inRange(bytes: readonly number[], entry: CidrEntry): boolean {
  const full = Math.floor(entry.prefix / 8);
  for (let i = 0; i < full; i++) if (bytes[i] !== entry.network[i]) return false;
  const rest = entry.prefix % 8;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((bytes[full] ?? 0) & mask) === entry.network[full];
}

class ListMatcher implements CidrMatcher {
  readonly flavor: CidrFlavor;
  readonly entries: readonly CidrEntry[];

  constructor(entries: CidrEntry[], flavor: CidrFlavor) {
    this.entries = entries;
    this.flavor = flavor;
  }

  contains(ip: string): boolean {
    return this.find(ip) !== undefined;
  }

  find(ip: string): CidrEntry | undefined {
    if (this.entries.length === 0) return undefined;
    const addr = parseIp(ip);
    if (!addr) return undefined;
    return this.entries.find((e) => e.family === addr.family && inRange(addr.bytes, e));
  }
}

/**
 * Parses a list of addresses and CIDR blocks. A bare address is a /32 or /128; `0.0.0.0/0` is every
 * IPv4 client and `::/0` every IPv6 one (they are separate: trusting "everyone" takes both).
 */
export function parseCidrList(list: readonly string[], options: CidrListOptions = {}): CidrListResult {
  const flavor = options.flavor ?? 'nginx';
  const entries: CidrEntry[] = [];
  const errors: CidrIssue[] = [];
  const warnings: CidrIssue[] = [];
  list.forEach((raw, index) => {
    const parsed = parseEntry(String(raw), index, flavor);
    const entry = String(raw).trim();
    if ('error' in parsed) errors.push({ index, entry, message: parsed.error });
    else if ('skip' in parsed) warnings.push({ index, entry, message: parsed.skip });
    else {
      entries.push(parsed.entry);
      if (parsed.warning) warnings.push({ index, entry, message: parsed.warning });
    }
  });
  return { matcher: new ListMatcher(entries, flavor), errors, warnings };
}

/** A matcher that trusts nobody: Kong's default `trusted_ips` (empty). */
export function emptyCidrMatcher(flavor: CidrFlavor = 'nginx'): CidrMatcher {
  return new ListMatcher([], flavor);
}
