/**
 * normalizeIp remembers its answers, kongVia reuses the HTTP/1.1 entry and kongUpstreamForwarding
 * appends Kong's headers as it works them out: each must answer exactly as the definition before
 * (copied here) for any input, including the same input asked again.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import { kongForwardedFor, kongForwardedValues, kongUpstreamForwarding, kongVia, KONG_VIA_TOKEN, type KongForwardingInput } from './forwarded-headers.ts';
import { kongHopByHop } from './hop-by-hop.ts';
import { normalizeIp, parseIp } from './ip-address.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] forwarding memo seed=${seed} (replay: FC_SEED=${seed})`);

function referenceNormalizeIp(input: string): string | undefined {
  return parseIp(input)?.text;
}

function referenceVia(incomingVia: string | undefined, httpVersion = '1.1', viaToken = KONG_VIA_TOKEN): string {
  const version = Number(httpVersion);
  const entry = `${Number.isFinite(version) ? String(version) : httpVersion} ${viaToken}`;
  return incomingVia !== undefined ? `${incomingVia}, ${entry}` : entry;
}

const SET_ORDER = ['TE', 'Via', 'Host', 'Upgrade', 'Connection', 'X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Path', 'X-Forwarded-Prefix', 'X-Real-IP'] as const;
const SET_LOWER = new Set(SET_ORDER.map((n) => n.toLowerCase()));

/** kongUpstreamForwarding as it was: a record of the twelve values, then one loop in template order. */
function referenceForwarding(input: KongForwardingInput): Array<[string, string]> {
  const { incoming } = input;
  const hop = kongHopByHop(incoming);
  const fwd = kongForwardedValues(input);
  const peer = referenceNormalizeIp(input.peerIp) ?? input.peerIp;
  const clientIp = input.realIp?.clientIp ?? input.clientIp ?? peer;
  const remote = input.realipRemoteAddr ?? input.realIp?.realipRemoteAddr ?? peer;
  const values: Record<(typeof SET_ORDER)[number], string | undefined> = {
    TE: hop.te,
    Via: referenceVia(incoming.get('Via'), input.httpVersion, input.viaToken),
    Host: incoming.get('Host'),
    Upgrade: hop.upgrade,
    Connection: hop.connection,
    'X-Forwarded-For': kongForwardedFor(incoming.get('X-Forwarded-For'), remote, clientIp),
    'X-Forwarded-Proto': fwd.proto,
    'X-Forwarded-Host': fwd.host,
    'X-Forwarded-Port': fwd.port,
    'X-Forwarded-Path': fwd.path,
    'X-Forwarded-Prefix': fwd.prefix,
    'X-Real-IP': clientIp,
  };
  const out: Array<[string, string]> = [];
  for (const name of SET_ORDER) {
    const value = values[name];
    if (value !== undefined && value !== '') out.push([name, value]);
  }
  for (const [name, value] of incoming.list()) {
    if (!SET_LOWER.has(name.toLowerCase()) && !hop.removed.includes(name.toLowerCase())) out.push([name, value]);
  }
  return out;
}

const ipText = fc.oneof(
  fc.constantFrom('203.0.113.9', '::ffff:203.0.113.9', '[::1]', 'fe80::1%eth0', '010.1.1.1', '127.1', '2001:DB8::1', '::1.2.3.4', '', 'not an ip', '256.1.1.1', '[::1'),
  fc.ipV4(),
  fc.ipV6(),
  fc.string({ maxLength: 12 }),
);
const headerName = fc.constantFrom('Via', 'Host', 'X-Forwarded-For', 'X-Forwarded-Proto', 'X-Real-IP', 'Connection', 'Upgrade', 'TE', 'Accept', 'X-Foo', 'x-forwarded-host', 'Keep-Alive');
const headerValue = fc.constantFrom('1.0 proxy', 'api.example.com', '198.51.100.1', 'https', 'keep-alive', 'websocket', 'trailers', 'X-Foo', '', 'a');
const forwardingInput: fc.Arbitrary<KongForwardingInput> = fc.record(
  {
    incoming: fc.array(fc.tuple(headerName, headerValue), { maxLength: 8 }).map((pairs) => new HeaderMap(pairs)),
    peerIp: ipText,
    clientIp: ipText,
    realipRemoteAddr: ipText,
    scheme: fc.constantFrom('http', 'https'),
    host: fc.constantFrom('api.example.com', 'localhost', ''),
    port: fc.oneof(fc.constantFrom(80, 443, 8000), fc.constantFrom('80', '8443')),
    path: fc.constantFrom('/', '/api/orders?x=1', '?a', '/a/b'),
    trustedPeer: fc.boolean(),
    prefix: fc.constantFrom('/', '/api', ''),
    httpVersion: fc.constantFrom('1.1', '1.0', '2', '3', 'x'),
    viaToken: fc.constantFrom(KONG_VIA_TOKEN, 'kong/3.4.0'),
  },
  { requiredKeys: ['incoming', 'peerIp', 'scheme', 'host', 'port', 'path', 'trustedPeer'] },
);

describe('forwarding helpers that remember or skip work', () => {
  it('normalizeIp answers as parsing every time, asked once or again', () => {
    fc.assert(
      fc.property(fc.array(ipText, { minLength: 1, maxLength: 20 }), (inputs) => {
        for (const input of [...inputs, ...inputs]) expect(normalizeIp(input)).toBe(referenceNormalizeIp(input));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('kongVia builds the entry as before for every version and token', () => {
    fc.assert(
      fc.property(fc.option(headerValue, { nil: undefined }), fc.option(fc.constantFrom('1.1', '1.0', '2', '1.10', 'x'), { nil: undefined }), fc.option(fc.constantFrom(KONG_VIA_TOKEN, 'kong/3.4.0'), { nil: undefined }), (via, version, token) => {
        expect(kongVia(via, version, token)).toBe(referenceVia(via, version, token));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('kongUpstreamForwarding sends the same header list as the record-based definition', () => {
    fc.assert(
      fc.property(forwardingInput, (input) => {
        expect(kongUpstreamForwarding(input).list()).toEqual(referenceForwarding(input));
      }),
      { seed, numRuns: 500 },
    );
  });
});
