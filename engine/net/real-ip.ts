/**
 * nginx realip, which is what Kong's `trusted_ips` / `real_ip_header` / `real_ip_recursive` configure
 * (semantics §6). Ported from `ngx_http_realip_handler` (src/http/modules/ngx_http_realip_module.c)
 * and `ngx_http_get_forwarded_addr` / `ngx_http_get_forwarded_addr_internal`
 * (src/http/ngx_http_core_module.c):
 *
 * 1. If the TCP peer is not trusted, the header is never read: the client is the peer.
 * 2. Otherwise take the rightmost entry of the header (entries are separated by runs of spaces and
 *    commas). Without recursion, that is the answer, trusted or not.
 * 3. With recursion, while the address just taken is itself trusted and entries remain to its left,
 *    take the next one. The answer is the first untrusted address from the right, or the leftmost.
 * 4. An entry that is not an address (see nginx-addr.ts) stops the walk. If it was the very first
 *    entry taken, nginx declines and the client stays the peer; later, nginx returns NGX_DONE and
 *    keeps the last good (trusted) address it had. Nothing is ever thrown.
 *
 * Which header lines count: `real_ip_header X-Forwarded-For` (spelled exactly so; nginx compares with
 * `ngx_strcmp`) walks every X-Forwarded-For line from the last to the first, which is the same as
 * walking the lines joined with ", ". Any other name, `X-Real-IP` included, reads the first line with
 * that name only; so does a lower-case `x-forwarded-for`, which nginx treats as a generic header.
 */
import type { HeaderMap } from '../pipeline/headers.ts';
import type { CidrEntry, CidrMatcher } from './cidr.ts';
import { normalizeIp } from './ip-address.ts';
import { parseNginxAddrPort } from './nginx-addr.ts';

export interface RealIpInput {
  /** The TCP peer as the socket reports it (`::ffff:` form accepted). */
  peerIp: string;
  headers: HeaderMap;
  trusted: CidrMatcher;
  /** `real_ip_header`: `X-Real-IP` (Kong's default), `X-Forwarded-For`, `proxy_protocol` or any header name. */
  header: string;
  /** `real_ip_recursive`. */
  recursive: boolean;
  /** The PROXY protocol source address, when `header` is `proxy_protocol` and the listener speaks it. */
  proxyProtocolAddr?: string;
}

export interface RealIpResult {
  /** nginx `$remote_addr` after realip: the address every later rule (limits, logs) sees. */
  clientIp: string;
  /** nginx `$realip_remote_addr`: the TCP peer, whatever the header said. */
  realipRemoteAddr: string;
  /** Whether the peer is trusted: Kong reuses this to decide whether X-Forwarded-Proto etc. pass through. */
  peerTrusted: boolean;
  /** Whether an address from the header replaced the peer. */
  used: boolean;
  /** One sentence a student reads in the trace. */
  reason: string;
  /** The addresses the walk stood on, peer first, then each address taken from the right; the last is clientIp. */
  hops: string[];
}

const SEPARATORS = /[ ,]+/;

/** Entries as nginx delimits them: runs of spaces and commas separate, empty pieces do not count. */
export function splitForwardedEntries(value: string): string[] {
  return value.split(SEPARATORS).filter((t) => t !== '');
}

function headerValue(input: RealIpInput): { value: string | undefined; note: string } {
  const { headers, header } = input;
  if (header === 'proxy_protocol') return { value: input.proxyProtocolAddr, note: '' };
  if (header === 'X-Forwarded-For') {
    const lines = headers.getAll('X-Forwarded-For');
    return { value: lines.length ? lines.join(', ') : undefined, note: '' };
  }
  const lines = headers.getAll(header);
  const note =
    lines.length > 1
      ? ` (only the first of ${lines.length} ${header} lines: nginx reads one line unless real_ip_header is exactly X-Forwarded-For)`
      : '';
  return { value: lines[0], note };
}

/** The entry as the student wrote it, so the reason points at a line of their config. */
const trustedBy = (e: CidrEntry): string => e.source;

/** nginx realip: who the client is, given the TCP peer and the forwarding header. */
export function resolveRealIp(input: RealIpInput): RealIpResult {
  const peer = normalizeIp(input.peerIp) ?? input.peerIp;
  const base = { realipRemoteAddr: peer, hops: [peer] };
  const source = input.header === 'proxy_protocol' ? 'the PROXY protocol address' : input.header;
  const peerEntry = input.trusted.find(peer);
  if (!peerEntry) {
    const why = input.trusted.entries.length === 0 ? 'the trusted list is empty, so' : 'it is not in the trusted list, so';
    return {
      ...base,
      clientIp: peer,
      peerTrusted: false,
      used: false,
      reason: `peer ${peer} is not trusted (${why} ${source} is not read); client ip is the peer ${peer}`,
    };
  }
  const head = `peer ${peer} is trusted (${trustedBy(peerEntry)})`;
  const { value, note } = headerValue(input);
  const entries = value === undefined ? [] : splitForwardedEntries(value);
  if (entries.length === 0) {
    const what =
      value !== undefined
        ? `${source} is empty`
        : input.header === 'proxy_protocol'
          ? 'the connection carries no PROXY protocol header'
          : `there is no ${source}`;
    return { ...base, clientIp: peer, peerTrusted: true, used: false, reason: `${head} but ${what}; client ip is the peer ${peer}` };
  }

  const hops = [peer];
  const passed: string[] = [];
  const taken = (clientIp: string, reason: string): RealIpResult => ({
    realipRemoteAddr: peer,
    clientIp,
    peerTrusted: true,
    used: true,
    hops,
    reason: `${head}; ${reason}`,
  });
  let current = peer;
  for (let i = entries.length - 1; i >= 0; i--) {
    const token = entries[i] ?? '';
    const addr = parseNginxAddrPort(token);
    if (addr === undefined && hops.length === 1) {
      return {
        ...base,
        clientIp: peer,
        peerTrusted: true,
        used: false,
        reason: `${head} but the rightmost ${source} entry "${token}" is not an address, so nginx ignores the header${note}; client ip is the peer ${peer}`,
      };
    }
    if (addr === undefined) {
      return taken(current, `${walked(source, passed)}${note}, then "${token}" is not an address, so nginx stops and keeps ${current}`);
    }
    current = addr;
    hops.push(addr);
    if (!input.recursive) return taken(current, `${source} rightmost address is ${current}${note} (real_ip_recursive off)`);
    const entry = input.trusted.find(current);
    if (!entry) {
      return taken(
        current,
        passed.length === 0
          ? `${source} rightmost untrusted address is ${current}${note}`
          : `${walked(source, passed)}${note}, the rightmost untrusted address is ${current}`,
      );
    }
    passed.push(`${current} (${trustedBy(entry)})`);
  }
  return taken(current, `every ${source} address is trusted (${passed.join(', ')})${note}, so the leftmost, ${current}, wins`);
}

function walked(source: string, passed: readonly string[]): string {
  return passed.length === 0
    ? `walking ${source} from the right`
    : `walking ${source} from the right past trusted ${passed.join(', ')}`;
}
