import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import { parseCidrList } from './cidr.ts';
import { resolveRealIp, type RealIpInput } from './real-ip.ts';

// The CDN war story: users reach Kong through a CDN whose edges connect from published ranges.
const CDN_RANGES = ['173.245.48.0/20', '103.21.244.0/22', '2400:cb00::/32'];
const CDN_EDGE = '173.245.48.5';
const USER = '198.51.100.23';
const FORGED = '192.0.2.1';

function realIp(over: Partial<RealIpInput> & { xff?: string | string[]; trust?: string[] }): ReturnType<typeof resolveRealIp> {
  const headers = over.headers ?? new HeaderMap(over.xff === undefined ? {} : { 'X-Forwarded-For': over.xff });
  return resolveRealIp({
    peerIp: over.peerIp ?? CDN_EDGE,
    headers,
    trusted: over.trusted ?? parseCidrList(over.trust ?? CDN_RANGES).matcher,
    header: over.header ?? 'X-Forwarded-For',
    recursive: over.recursive ?? true,
    ...(over.proxyProtocolAddr ? { proxyProtocolAddr: over.proxyProtocolAddr } : {}),
  });
}

describe('resolveRealIp — the CDN war story', () => {
  it('§6 realip recursive: trusting the CDN ranges gives the real user', () => {
    const r = realIp({ xff: USER });
    expect(r).toMatchObject({ clientIp: USER, realipRemoteAddr: CDN_EDGE, used: true, peerTrusted: true, hops: [CDN_EDGE, USER] });
    expect(r.reason).toBe('peer 173.245.48.5 is trusted (173.245.48.0/20); X-Forwarded-For rightmost untrusted address is 198.51.100.23');
  });

  it('§6 realip recursive: trusting 0.0.0.0/0 lets a client forge X-Forwarded-For (leftmost forged value wins)', () => {
    // The user prepends a fake address; the CDN appends the address it really saw.
    const r = realIp({ xff: `${FORGED}, ${USER}`, trust: ['0.0.0.0/0'] });
    expect(r.clientIp).toBe(FORGED);
    expect(r.hops).toEqual([CDN_EDGE, USER, FORGED]);
    expect(r.reason).toContain('every X-Forwarded-For address is trusted');
    expect(r.reason).toContain('the leftmost, 192.0.2.1, wins');
  });

  it('§6 realip recursive: with only the CDN trusted, the same forged request resolves to the real user', () => {
    expect(realIp({ xff: `${FORGED}, ${USER}` }).clientIp).toBe(USER);
  });

  it('§6 realip non-recursive: with the CDN trusted, the rightmost (CDN-appended) address wins over a forged left entry', () => {
    const r = realIp({ xff: `${FORGED}, ${USER}`, recursive: false });
    expect(r.clientIp).toBe(USER);
    expect(r.reason).toBe('peer 173.245.48.5 is trusted (173.245.48.0/20); X-Forwarded-For rightmost address is 198.51.100.23 (real_ip_recursive off)');
  });

  it('§6 realip: trusting 0.0.0.0/0 lets a directly connected attacker pick any address, even without recursion', () => {
    const r = realIp({ peerIp: '203.0.113.66', xff: FORGED, trust: ['0.0.0.0/0'], recursive: false });
    expect(r.clientIp).toBe(FORGED);
  });

  it('§6 realip recursive: two trusted proxies in a row resolve to the client behind them', () => {
    // user → CDN edge → internal load balancer (10.0.0.5) → Kong; the LB appended the edge's address.
    const r = realIp({ peerIp: '10.0.0.5', xff: `${USER}, ${CDN_EDGE}`, trust: ['10.0.0.0/8', ...CDN_RANGES] });
    expect(r.clientIp).toBe(USER);
    expect(r.hops).toEqual(['10.0.0.5', CDN_EDGE, USER]);
    expect(r.reason).toBe(
      'peer 10.0.0.5 is trusted (10.0.0.0/8); walking X-Forwarded-For from the right past trusted 173.245.48.5 (173.245.48.0/20), the rightmost untrusted address is 198.51.100.23',
    );
  });

  it('§6 realip non-recursive: behind two proxies it stops at the first one', () => {
    const r = realIp({ peerIp: '10.0.0.5', xff: `${USER}, ${CDN_EDGE}`, trust: ['10.0.0.0/8', ...CDN_RANGES], recursive: false });
    expect(r.clientIp).toBe(CDN_EDGE);
  });
});

describe('resolveRealIp — nginx rules', () => {
  it('§6 realip: an untrusted peer is the client and the header is never read', () => {
    const r = realIp({ peerIp: '203.0.113.66', xff: FORGED });
    expect(r).toMatchObject({ clientIp: '203.0.113.66', used: false, peerTrusted: false, hops: ['203.0.113.66'] });
    expect(r.reason).toBe('peer 203.0.113.66 is not trusted (it is not in the trusted list, so X-Forwarded-For is not read); client ip is the peer 203.0.113.66');
  });

  it("§6 realip: Kong's default empty trusted_ips always gives the peer", () => {
    const r = realIp({ xff: FORGED, trust: [] });
    expect(r.clientIp).toBe(CDN_EDGE);
    expect(r.reason).toContain('the trusted list is empty');
  });

  it('§6 realip: a trusted peer without the header stays the client', () => {
    const r = realIp({});
    expect(r).toMatchObject({ clientIp: CDN_EDGE, used: false, peerTrusted: true });
    expect(r.reason).toBe('peer 173.245.48.5 is trusted (173.245.48.0/20) but there is no X-Forwarded-For; client ip is the peer 173.245.48.5');
  });

  it('§6 realip: multiple X-Forwarded-For lines are walked as if joined with ", "', () => {
    const r = realIp({ peerIp: '10.0.0.5', xff: [USER, CDN_EDGE], trust: ['10.0.0.0/8', ...CDN_RANGES] });
    expect(r.clientIp).toBe(USER);
    expect(realIp({ xff: [FORGED, USER], recursive: false }).clientIp).toBe(USER);
  });

  it('§6 realip: a lower-case real_ip_header is a generic header to nginx and reads only the first line', () => {
    const r = realIp({ header: 'x-forwarded-for', xff: [USER, '10.9.9.9'], trust: ['10.0.0.0/8', ...CDN_RANGES] });
    expect(r.clientIp).toBe(USER);
    expect(r.reason).toContain('only the first of 2 x-forwarded-for lines');
  });

  it('§6 realip: spaces and commas in any run separate entries; ports are dropped', () => {
    expect(realIp({ xff: ` ${FORGED} ,, ${USER}:51234 ,  ` }).clientIp).toBe(USER);
    expect(realIp({ xff: `[2001:db8::23]:443`, recursive: false }).clientIp).toBe('2001:db8::23');
  });

  it('§6 realip malformed: a bad rightmost entry makes nginx ignore the header (client is the peer)', () => {
    const r = realIp({ xff: `${USER}, garbage` });
    expect(r).toMatchObject({ clientIp: CDN_EDGE, used: false });
    expect(r.reason).toContain('rightmost X-Forwarded-For entry "garbage" is not an address');
  });

  it('§6 realip malformed: a bad entry further left stops the walk and keeps the last good address', () => {
    // ngx_http_get_forwarded_addr_internal returns NGX_DONE: the trusted 10.0.0.7 it already took stays.
    const r = realIp({ peerIp: '10.0.0.5', xff: `${USER}, unknown, 10.0.0.7`, trust: ['10.0.0.0/8'] });
    expect(r).toMatchObject({ clientIp: '10.0.0.7', used: true, hops: ['10.0.0.5', '10.0.0.7'] });
    expect(r.reason).toContain('"unknown" is not an address, so nginx stops and keeps 10.0.0.7');
  });

  it('§6 realip malformed: without recursion, entries left of the rightmost are never parsed', () => {
    expect(realIp({ xff: `garbage, ${USER}`, recursive: false }).clientIp).toBe(USER);
  });

  it('§6 realip malformed: an empty header is ignored', () => {
    const r = realIp({ xff: ' , ' });
    expect(r).toMatchObject({ clientIp: CDN_EDGE, used: false });
    expect(r.reason).toContain('X-Forwarded-For is empty');
  });

  it('§6 realip X-Real-IP: used as given when the peer is trusted, ignored otherwise', () => {
    const headers = new HeaderMap({ 'X-Real-IP': USER, 'X-Forwarded-For': FORGED });
    expect(realIp({ headers, header: 'X-Real-IP', recursive: false }).clientIp).toBe(USER);
    expect(realIp({ headers, header: 'X-Real-IP', peerIp: '203.0.113.66' }).clientIp).toBe('203.0.113.66');
  });

  it('§6 realip X-Real-IP: only the first line counts', () => {
    const headers = new HeaderMap([
      ['X-Real-IP', USER],
      ['X-Real-IP', FORGED],
    ]);
    expect(realIp({ headers, header: 'X-Real-IP' }).clientIp).toBe(USER);
  });

  it('§6 realip: a trusted IPv6 edge and a dual-stack (::ffff:) peer are handled', () => {
    expect(realIp({ peerIp: '2400:cb00:2048::1', xff: USER }).clientIp).toBe(USER);
    const r = realIp({ peerIp: '::ffff:173.245.48.5', xff: USER });
    expect(r).toMatchObject({ clientIp: USER, realipRemoteAddr: CDN_EDGE });
  });

  it('§6 realip proxy_protocol: the PROXY protocol source address is the header', () => {
    expect(realIp({ header: 'proxy_protocol', proxyProtocolAddr: USER }).clientIp).toBe(USER);
    expect(realIp({ header: 'proxy_protocol' }).reason).toContain('the connection carries no PROXY protocol header');
  });
});
