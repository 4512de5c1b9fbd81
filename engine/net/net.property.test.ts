import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HeaderMap } from '../pipeline/headers.ts';
import { parseCidrList } from './cidr.ts';
import { kongUpstreamForwarding } from './forwarded-headers.ts';
import { normalizeIp } from './ip-address.ts';
import { traefikSourceIp } from './ip-strategy.ts';
import { parseNginxAddrPort } from './nginx-addr.ts';
import { resolveRealIp, splitForwardedEntries } from './real-ip.ts';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`engine/net property seed: ${seed} (pin with FC_SEED=${seed})`);

// A small world so that trusted and untrusted addresses actually meet.
const POOL = ['173.245.48.5', '173.245.50.1', '10.0.0.5', '10.1.2.3', '198.51.100.23', '192.0.2.1', '203.0.113.66', '2400:cb00::1', '2001:db8::23'];
const RANGES = ['173.245.48.0/20', '10.0.0.0/8', '0.0.0.0/0', '::/0', '2400:cb00::/32', '192.0.2.1'];

const address = fc.constantFrom(...POOL);
const entry = fc.oneof(
  { weight: 6, arbitrary: address },
  { weight: 1, arbitrary: address.map((a) => (a.includes(':') ? `[${a}]:443` : `${a}:51234`)) },
  { weight: 1, arbitrary: fc.constantFrom('unknown', '_hidden', '[::1]', '1.2.3', 'garbage', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const separator = fc.constantFrom(', ', ',', ' ', ' ,, ', ',');
const xffLine = fc
  .tuple(fc.array(entry, { minLength: 1, maxLength: 6 }), fc.array(separator, { minLength: 6, maxLength: 6 }))
  .map(([es, seps]) => es.map((e, i) => (i === 0 ? e : `${seps[i] ?? ', '}${e}`)).join(''));
const world = fc.record({
  peer: fc.oneof(address, fc.constant('::ffff:173.245.48.5')),
  trust: fc.subarray(RANGES),
  lines: fc.array(xffLine, { maxLength: 3 }),
  recursive: fc.boolean(),
});

function headersOf(lines: string[]): HeaderMap {
  return new HeaderMap(lines.map((l) => ['X-Forwarded-For', l] as [string, string]));
}

describe('engine/net properties (fast-check)', () => {
  it('§6 realip: never returns an address that is not in the header or the peer', () => {
    fc.assert(
      fc.property(world, ({ peer, trust, lines, recursive }) => {
        const r = resolveRealIp({ peerIp: peer, headers: headersOf(lines), trusted: parseCidrList(trust).matcher, header: 'X-Forwarded-For', recursive });
        const fromHeader = splitForwardedEntries(lines.join(', ')).map(parseNginxAddrPort);
        const peerText = normalizeIp(peer);
        expect(r.clientIp === peerText || fromHeader.includes(r.clientIp)).toBe(true);
        expect(r.hops.at(-1)).toBe(r.clientIp);
        if (!r.used) expect(r.clientIp).toBe(peerText);
      }),
      { seed },
    );
  });

  it('§6 realip: with an empty trusted list the result is always the peer', () => {
    fc.assert(
      fc.property(address, fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }), fc.boolean(), (peer, lines, recursive) => {
        const r = resolveRealIp({ peerIp: peer, headers: headersOf(lines), trusted: parseCidrList([]).matcher, header: 'X-Forwarded-For', recursive });
        expect(r).toMatchObject({ clientIp: peer, realipRemoteAddr: peer, used: false, peerTrusted: false });
      }),
      { seed },
    );
  });

  it('§6 realip: on well-formed headers, agrees with the one-line definition', () => {
    // trusted peer ? (recursive ? first untrusted from the right, else the leftmost : the rightmost) : the peer
    const valid = fc.array(address, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(address, fc.subarray(RANGES), valid, fc.boolean(), (peer, trust, xs, recursive) => {
        const trusted = parseCidrList(trust).matcher;
        const r = resolveRealIp({ peerIp: peer, headers: headersOf([xs.join(', ')]), trusted, header: 'X-Forwarded-For', recursive });
        const untrustedFromRight = [...xs].reverse().find((x) => !trusted.contains(x));
        const expected = !trusted.contains(peer) ? peer : !recursive ? xs.at(-1) : (untrustedFromRight ?? xs[0]);
        expect(r.clientIp).toBe(normalizeIp(expected ?? ''));
      }),
      { seed },
    );
  });

  it('§6/§12 robustness: arbitrary strings in X-Forwarded-For (and friends) never throw', () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 80 });
    fc.assert(
      fc.property(anyText, anyText, fc.boolean(), fc.integer({ min: 0, max: 4 }), (xff, peer, recursive, depth) => {
        const everyone = parseCidrList(['0.0.0.0/0', '::/0', xff]).matcher;
        const headers = new HeaderMap({ 'X-Forwarded-For': xff, 'X-Real-IP': xff, Connection: xff, Via: xff, TE: xff });
        for (const header of ['X-Forwarded-For', 'X-Real-IP']) {
          const r = resolveRealIp({ peerIp: peer, headers, trusted: everyone, header, recursive });
          expect(typeof r.reason).toBe('string');
          kongUpstreamForwarding({ incoming: headers, peerIp: peer, realIp: r, scheme: 'http', host: 'h', port: 80, path: xff, trustedPeer: r.peerTrusted });
        }
        traefikSourceIp({ depth }, { remoteAddr: peer, headers });
        traefikSourceIp({ excludedIPs: ['10.0.0.0/8', xff] }, { remoteAddr: peer, headers });
        normalizeIp(xff);
        parseNginxAddrPort(xff);
      }),
      { seed },
    );
  });

  it('CIDR matching agrees with integer arithmetic for IPv4', () => {
    const octets = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
    const toInt = (o: number[]) => o.reduce((acc, b) => acc * 256 + b, 0);
    fc.assert(
      fc.property(octets, fc.integer({ min: 0, max: 32 }), octets, (net, prefix, ip) => {
        const { matcher } = parseCidrList([`${net.join('.')}/${prefix}`]);
        const size = 2 ** (32 - prefix);
        const expected = Math.floor(toInt(net) / size) === Math.floor(toInt(ip) / size);
        expect(matcher.contains(ip.join('.'))).toBe(expected);
        expect(matcher.contains(`::ffff:${ip.join('.')}`)).toBe(expected);
      }),
      { seed },
    );
  });
});
