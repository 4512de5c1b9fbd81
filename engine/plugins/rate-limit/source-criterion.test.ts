/**
 * Traefik's rateLimit `sourceCriterion` (semantics §4) through the traefik token bucket: which bucket
 * a request lands in, for each criterion, read from the request as the middleware sees it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../../pipeline/headers.ts';
import type { IncomingRequest, PluginHooks, RequestContext } from '../../pipeline/types.ts';
import { describeKeySpec, resolveKey, type KeySpec } from './key.ts';
import { parseRateLimitConfig } from './plugin.ts';
import { parseSourceCriterion } from './source-criterion.ts';
import { collectingReporter, fakeContext, hooksForRaw, sendRequest } from './test-kit.ts';

const T0 = 1_767_268_800_000; // 2026-01-01T12:00:00Z
const seed = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);
console.log(`source-criterion property seed: ${seed} (pin with FC_SEED=${seed})`);

/** One token per client, never refilled within the test: a second request to a bucket is a 429. */
const bucket = (sourceCriterion: unknown): PluginHooks =>
  hooksForRaw({ algorithm: 'token-bucket', flavour: 'traefik', average: 1, period: '1h', burst: 1, sourceCriterion });

/** A request as the middleware sees it: these headers on the (already sanitised) upstream request. */
function seen(headers: Array<[string, string]>, over: Partial<IncomingRequest> = {}): RequestContext {
  const ctx = fakeContext(over);
  ctx.upstream.headers = new HeaderMap(headers);
  return ctx;
}

const xff = (value: string, peerIp = '173.245.48.10'): RequestContext => seen([['X-Forwarded-For', value]], { peerIp });

function keyOf(sc: unknown, ctx: RequestContext): string {
  const r = collectingReporter();
  const spec = parseSourceCriterion(sc, r);
  expect(r.items.filter((i) => i.severity === 'error')).toEqual([]);
  return resolveKey(spec, ctx).value;
}

describe('rateLimit.sourceCriterion picks the bucket as Traefik does (semantics §4)', () => {
  it('§4 ipStrategy.depth 1 is the rightmost X-Forwarded-For entry: two users behind one CDN edge get their own buckets', () => {
    const hooks = bucket({ ipStrategy: { depth: 1 } });
    const alice = sendRequest(hooks, T0, xff('203.0.113.21'));
    const bob = sendRequest(hooks, T0, xff('203.0.113.42'));
    const aliceAgain = sendRequest(hooks, T0, xff('203.0.113.21'));
    expect([alice, bob, aliceAgain].map((r) => r.verdict.kind)).toEqual(['next', 'next', 'reply']);
    expect(alice.verdict.reason).toContain('source 203.0.113.21 (ipStrategy.depth=1: the 1st X-Forwarded-For entry from the right is 203.0.113.21)');
    expect(alice.verdict.data).toMatchObject({ identifier: '203.0.113.21' });
  });

  it('§4 depth counts from the right, so a forged leftmost entry changes nothing', () => {
    expect(keyOf({ ipStrategy: { depth: 1 } }, xff('192.0.2.1, 198.51.100.66'))).toBe('198.51.100.66');
    expect(keyOf({ ipStrategy: { depth: 2 } }, xff('192.0.2.1, 198.51.100.66, 10.0.0.5'))).toBe('198.51.100.66');
  });

  it('§4 depth larger than the X-Forwarded-For list: the source is "" and every such client shares ONE bucket', () => {
    const hooks = bucket({ ipStrategy: { depth: 3 } });
    const first = sendRequest(hooks, T0, xff('203.0.113.21, 10.0.0.1'));
    const other = sendRequest(hooks, T0, xff('198.51.100.9', '173.245.48.99'));
    const none = sendRequest(hooks, T0, seen([], { peerIp: '192.0.2.77' }));
    expect([first, other, none].map((r) => r.verdict.kind)).toEqual(['next', 'reply', 'reply']);
    expect(first.verdict.data).toMatchObject({ identifier: '' });
    expect(first.verdict.reason).toContain('source "" (ipStrategy.depth=3 but X-Forwarded-For has 2 entries');
  });

  it('§4 the X-Forwarded-For read is the one the middleware sees (after the entryPoint), not what the client sent', () => {
    // The client sent one, the entryPoint (untrusted peer) removed it: the upstream copy has none.
    const ctx = fakeContext({ headers: new HeaderMap([['X-Forwarded-For', '203.0.113.21']]) });
    ctx.upstream.headers.delete('X-Forwarded-For');
    expect(keyOf({ ipStrategy: { depth: 1 } }, ctx)).toBe('');
  });

  it('§4 excludedIPs: scan right to left, the first address not in the list; IPv4-mapped IPv6 is matched as IPv4', () => {
    const sc = { ipStrategy: { excludedIPs: ['173.245.48.0/20', '10.0.0.0/8'] } };
    expect(keyOf(sc, xff('192.0.2.1, 203.0.113.21, 173.245.48.10, 10.0.0.3'))).toBe('203.0.113.21');
    expect(keyOf(sc, xff('203.0.113.21, ::ffff:10.1.2.3'))).toBe('203.0.113.21');
  });

  it('§4 excludedIPs all excluded: the source is "" (one shared bucket)', () => {
    const hooks = bucket({ ipStrategy: { excludedIPs: ['173.245.48.0/20'] } });
    const a = sendRequest(hooks, T0, xff('173.245.48.1, 173.245.48.2'));
    const b = sendRequest(hooks, T0, xff('173.245.48.7'));
    expect([a, b].map((r) => r.verdict.kind)).toEqual(['next', 'reply']);
    expect(a.verdict.reason).toContain('every X-Forwarded-For entry is excluded');
  });

  it('§4 depth overrides excludedIPs (warned)', () => {
    const r = collectingReporter();
    const spec = parseSourceCriterion({ ipStrategy: { depth: 1, excludedIPs: ['203.0.113.0/24'] } }, r);
    expect(r.items.map((i) => [i.severity, i.path, i.code])).toEqual([['warning', 'sourceCriterion.ipStrategy.excludedIPs', 'GL_W_NO_EFFECT']]);
    expect(resolveKey(spec, xff('198.51.100.1, 203.0.113.21')).value).toBe('203.0.113.21');
  });

  it('§4 ipv6Subnet groups IPv6 sources by prefix: one /64 is one bucket, another /64 its own; IPv4 is untouched', () => {
    const hooks = bucket({ ipStrategy: { depth: 1, ipv6Subnet: 64 } });
    const a = sendRequest(hooks, T0, xff('2001:db8:1:2::a'));
    const sameNet = sendRequest(hooks, T0, xff('2001:db8:1:2:ffff::1'));
    const otherNet = sendRequest(hooks, T0, xff('2001:db8:1:3::a'));
    expect([a, sameNet, otherNet].map((r) => r.verdict.kind)).toEqual(['next', 'reply', 'next']);
    expect(a.verdict.data).toMatchObject({ identifier: '2001:db8:1:2::' });
    expect(keyOf({ ipStrategy: { depth: 1, ipv6Subnet: 64 } }, xff('203.0.113.21'))).toBe('203.0.113.21');
    // With the remote address too: the TCP peer is grouped.
    expect(keyOf({ ipStrategy: { ipv6Subnet: 48 } }, seen([], { peerIp: '2001:db8:7:9::5' }))).toBe('2001:db8:7::');
  });

  it('§4 an empty ipStrategy (or sourceCriterion) is the TCP peer, not the client IP real-ip may have set', () => {
    const ctx = xff('203.0.113.21', '173.245.48.10');
    ctx.clientIp = '203.0.113.21';
    expect(keyOf({ ipStrategy: {} }, ctx)).toBe('173.245.48.10');
    expect(keyOf({}, ctx)).toBe('173.245.48.10');
  });

  it('§4 requestHeaderName: the header value as the middleware sees it; a missing header is the "" bucket', () => {
    const hooks = bucket({ requestHeaderName: 'X-Api-Key' });
    const k1 = sendRequest(hooks, T0, seen([['X-Api-Key', 'k1']]));
    const k2 = sendRequest(hooks, T0, seen([['X-Api-Key', 'k2']]));
    const none = sendRequest(hooks, T0, seen([]));
    const noneAgain = sendRequest(hooks, T0, seen([], { peerIp: '192.0.2.5' }));
    expect([k1, k2, none, noneAgain].map((r) => r.verdict.kind)).toEqual(['next', 'next', 'next', 'reply']);
    expect(k1.verdict.reason).toContain('header x-api-key k1');
    // X-Real-Ip as the entryPoint rewrote it, not as the client sent it.
    const ctx = fakeContext({ headers: new HeaderMap([['X-Real-Ip', '6.6.6.6']]) });
    ctx.upstream.headers.set('X-Real-Ip', '173.245.48.10');
    expect(keyOf({ requestHeaderName: 'X-Real-Ip' }, ctx)).toBe('173.245.48.10');
  });

  it('§4 requestHost: one bucket per Host (port included, as req.Host has it)', () => {
    const hooks = bucket({ requestHost: true });
    const a = sendRequest(hooks, T0, seen([], { host: 'a.example.com' }));
    const b = sendRequest(hooks, T0, seen([], { host: 'b.example.com' }));
    const a2 = sendRequest(hooks, T0, seen([], { host: 'a.example.com', peerIp: '192.0.2.8' }));
    expect([a, b, a2].map((r) => r.verdict.kind)).toEqual(['next', 'next', 'reply']);
    expect(a.verdict.reason).toContain('host a.example.com');
    expect(keyOf({ requestHost: true }, seen([], { host: 'a.example.com:8443' }))).toBe('a.example.com:8443');
  });

  it("§4 the three criteria are mutually exclusive: Traefik's own error, in its order", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ipStrategy: {}, requestHeaderName: 'X-Key' }, 'iPStrategy and RequestHeaderName are mutually exclusive'],
      [{ ipStrategy: { depth: 1 }, requestHost: true }, 'iPStrategy and RequestHost are mutually exclusive'],
      [{ requestHeaderName: 'X-Key', requestHost: true }, 'requestHost and RequestHeaderName are mutually exclusive'],
      [{ ipStrategy: {}, requestHeaderName: 'X-Key', requestHost: true }, 'iPStrategy and RequestHeaderName are mutually exclusive'],
    ];
    for (const [sc, message] of cases) {
      const r = collectingReporter();
      parseSourceCriterion(sc, r);
      expect(r.items.map((i) => [i.severity, i.message.split(':')[0]])).toEqual([['error', message]]);
    }
    // Go's zero values are "not set": an empty header name and requestHost false clash with nothing.
    const r = collectingReporter();
    parseSourceCriterion({ ipStrategy: { depth: 2 }, requestHeaderName: '', requestHost: false }, r);
    expect(r.items).toEqual([]);
  });

  it('§4 config errors point at the field: a bad excludedIPs entry, an ipv6Subnet out of range, an unknown field; key and sourceCriterion together', () => {
    const r = collectingReporter();
    parseRateLimitConfig({ algorithm: 'token-bucket', flavour: 'traefik', average: 1, key: 'ip', sourceCriterion: { ipStrategy: { excludedIPs: ['10.0.0.0/8', 'cdn.example'], depth: 0 }, extra: 1 } }, r);
    expect(r.items.map((i) => `${i.severity} ${i.path}`)).toEqual(['error key', 'error sourceCriterion.extra', 'error sourceCriterion.ipStrategy.excludedIPs.1']);
    const s = collectingReporter();
    parseSourceCriterion({ ipStrategy: { depth: 1, ipv6Subnet: 129 } }, s);
    expect(s.items.map((i) => `${i.path}: ${i.message}`)).toEqual(['sourceCriterion.ipStrategy.ipv6Subnet: ipStrategy: invalid IPv6 subnet 129 value, should be greater to 0 and lower or equal to 128']);
  });

  it('§4 sourceCriterion belongs to the traefik bucket only; other flavours report it as an unknown field', () => {
    const r = collectingReporter();
    parseRateLimitConfig({ algorithm: 'gcra', limit: 1, sourceCriterion: { requestHost: true } }, r);
    expect(r.items.map((i) => `${i.code} ${i.path}`)).toEqual(['GL_E_UNKNOWN_FIELD sourceCriterion']);
  });

  it('describes each key for sentences', () => {
    const specs: KeySpec[] = [{ kind: 'host' }, { kind: 'ip-strategy', ipStrategy: {} }, { kind: 'ip-strategy', ipStrategy: { depth: 2, ipv6Subnet: 64 } }];
    expect(specs.map(describeKeySpec)).toEqual(['host', 'ipStrategy (remote address)', 'ipStrategy depth 2, ipv6Subnet /64']);
  });

  it(`§4 property: depth=n picks what a plain split of the header gives — the n-th entry from the right, trimmed, or "" (seed ${seed})`, () => {
    const entry = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('', 'unknown', ' 10.0.0.1 '));
    fc.assert(
      fc.property(fc.array(entry, { minLength: 0, maxLength: 6 }), fc.integer({ min: 1, max: 8 }), fc.constantFrom(', ', ',', ' , '), (entries, depth, sep) => {
        const header = entries.join(sep);
        const ctx = header === '' ? seen([]) : xff(header);
        // Reference: Go's strings.Split(xff, ",") and strings.TrimSpace on the chosen part.
        const parts = header.split(',');
        const expected = parts.length < depth ? '' : (parts[parts.length - depth] ?? '').trim();
        expect(keyOf({ ipStrategy: { depth } }, ctx)).toBe(expected);
      }),
      { seed },
    );
  });
});
