import { describe, expect, it } from 'vitest';
import { HeaderMap } from '../pipeline/headers.ts';
import { parseCidrList } from './cidr.ts';
import {
  KONG_VIA_TOKEN,
  kongForwardedFor,
  kongForwardedValues,
  kongUpstreamForwarding,
  kongVia,
  pathWithoutQuery,
  type KongForwardingInput,
} from './forwarded-headers.ts';
import { resolveRealIp } from './real-ip.ts';

const CDN = parseCidrList(['173.245.48.0/20']).matcher;
const EDGE = '173.245.48.5';
const USER = '198.51.100.23';

function forward(incoming: HeaderMap, peerIp: string, over: Partial<KongForwardingInput> = {}): HeaderMap {
  const realIp = resolveRealIp({ peerIp, headers: incoming, trusted: CDN, header: 'X-Forwarded-For', recursive: true });
  return kongUpstreamForwarding({
    incoming,
    peerIp,
    realIp,
    scheme: 'http',
    host: 'api.example',
    port: 8000,
    path: '/orders/42?expand=items',
    trustedPeer: realIp.peerTrusted,
    ...over,
  });
}

describe('kongUpstreamForwarding', () => {
  it('§6 X-Forwarded-For: appends the TCP peer to what the CDN sent; X-Real-IP is the real user', () => {
    const up = forward(new HeaderMap({ Host: 'api.example', 'X-Forwarded-For': USER }), EDGE);
    expect(up.get('X-Forwarded-For')).toBe(`${USER}, ${EDGE}`);
    expect(up.get('X-Real-IP')).toBe(USER);
  });

  it('§6 X-Forwarded-For: appended even for an untrusted peer, whose forged value is kept but not believed', () => {
    const up = forward(new HeaderMap({ 'X-Forwarded-For': '192.0.2.1' }), '203.0.113.66');
    expect(up.get('X-Forwarded-For')).toBe('192.0.2.1, 203.0.113.66');
    expect(up.get('X-Real-IP')).toBe('203.0.113.66');
  });

  it('§6 X-Forwarded-For: without an incoming one it is $remote_addr, the client ip after realip', () => {
    expect(forward(new HeaderMap(), '203.0.113.66').get('X-Forwarded-For')).toBe('203.0.113.66');
    // X-Real-IP as the realip header: remote_addr is the user, and that is what X-Forwarded-For starts with.
    const incoming = new HeaderMap({ 'X-Real-IP': USER });
    const realIp = resolveRealIp({ peerIp: EDGE, headers: incoming, trusted: CDN, header: 'X-Real-IP', recursive: false });
    const up = kongUpstreamForwarding({ incoming, peerIp: EDGE, realIp, scheme: 'https', host: 'h', port: 8443, path: '/', trustedPeer: true });
    expect(up.get('X-Forwarded-For')).toBe(USER);
  });

  it('§6 X-Forwarded-For: Kong reads only the first incoming line (kong.tools.http get_header)', () => {
    const incoming = new HeaderMap([
      ['X-Forwarded-For', USER],
      ['X-Forwarded-For', '10.0.0.9'],
    ]);
    const up = forward(incoming, EDGE);
    expect(up.getAll('X-Forwarded-For')).toEqual([`${USER}, ${EDGE}`]);
  });

  it('§6 X-Forwarded-*: passed through from a trusted peer', () => {
    const incoming = new HeaderMap({
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'shop.example',
      'X-Forwarded-Port': '443',
      'X-Forwarded-Path': '/shop/orders/42',
      'X-Forwarded-Prefix': '/shop',
    });
    const up = forward(incoming, EDGE, { prefix: '/orders' });
    expect(up.get('X-Forwarded-Proto')).toBe('https');
    expect(up.get('X-Forwarded-Host')).toBe('shop.example');
    expect(up.get('X-Forwarded-Port')).toBe('443');
    expect(up.get('X-Forwarded-Path')).toBe('/shop/orders/42');
    expect(up.get('X-Forwarded-Prefix')).toBe('/shop');
  });

  it("§6 X-Forwarded-*: replaced by Kong's own values for an untrusted peer", () => {
    const incoming = new HeaderMap({
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Port': '443',
      'X-Forwarded-Path': '/admin',
      'X-Forwarded-Prefix': '/admin',
    });
    const up = forward(incoming, '203.0.113.66', { prefix: '/orders' });
    expect(up.get('X-Forwarded-Proto')).toBe('http');
    expect(up.get('X-Forwarded-Host')).toBe('api.example');
    expect(up.get('X-Forwarded-Port')).toBe('8000');
    expect(up.get('X-Forwarded-Path')).toBe('/orders/42');
    expect(up.get('X-Forwarded-Prefix')).toBe('/orders');
    expect(up.getAll('X-Forwarded-Host')).toHaveLength(1);
  });

  it('§6 X-Forwarded-Prefix: omitted when the route prefix is "/" or unknown (nginx skips empty headers)', () => {
    expect(forward(new HeaderMap(), '203.0.113.66', { prefix: '/' }).has('X-Forwarded-Prefix')).toBe(false);
    expect(forward(new HeaderMap(), '203.0.113.66').has('X-Forwarded-Prefix')).toBe(false);
    // A trusted peer that sends an empty value: Kong takes "" and nginx then sends nothing.
    expect(forward(new HeaderMap({ 'X-Forwarded-Host': '' }), EDGE).has('X-Forwarded-Host')).toBe(false);
  });

  it('§12 Via: appends "<version> kong/<ver>" to the incoming Via', () => {
    expect(forward(new HeaderMap(), EDGE).get('Via')).toBe(`1.1 ${KONG_VIA_TOKEN}`);
    expect(forward(new HeaderMap({ Via: '1.1 cdn-edge' }), EDGE).get('Via')).toBe('1.1 cdn-edge, 1.1 kong/3.10.0');
    expect(forward(new HeaderMap(), EDGE, { httpVersion: '2', viaToken: 'kong/3.9.1' }).get('Via')).toBe('2 kong/3.9.1');
  });

  it('§12 hop-by-hop: Kong drops the client connection headers and sends its own', () => {
    const incoming = new HeaderMap([
      ['Host', 'api.example'],
      ['Connection', 'keep-alive, X-Debug'],
      ['Keep-Alive', 'timeout=5'],
      ['X-Debug', '1'],
      ['X-Real-IP', '192.0.2.1'],
      ['Accept', 'application/json'],
    ]);
    const up = forward(incoming, '203.0.113.66');
    expect(up.get('Connection')).toBe('keep-alive');
    expect(up.has('Keep-Alive')).toBe(false);
    expect(up.has('X-Debug')).toBe(false);
    expect(up.getAll('X-Real-IP')).toEqual(['203.0.113.66']);
  });

  it("§6 Kong: lists its own headers in nginx_kong.lua order, then the client's in arrival order", () => {
    const incoming = new HeaderMap([
      ['User-Agent', 'curl/8'],
      ['Host', 'api.example'],
      ['Accept', '*/*'],
    ]);
    expect(forward(incoming, '203.0.113.66').names()).toEqual([
      'via',
      'host',
      'connection',
      'x-forwarded-for',
      'x-forwarded-proto',
      'x-forwarded-host',
      'x-forwarded-port',
      'x-forwarded-path',
      'x-real-ip',
      'user-agent',
      'accept',
    ]);
  });

  it('accepts the realip outcome as flat fields too (clientIp, realipRemoteAddr)', () => {
    const incoming = new HeaderMap({ 'X-Forwarded-For': USER });
    const up = kongUpstreamForwarding({
      incoming,
      peerIp: EDGE,
      clientIp: USER,
      realipRemoteAddr: EDGE,
      scheme: 'http',
      host: 'h',
      port: 80,
      path: '/',
      trustedPeer: true,
    });
    expect(up.get('X-Forwarded-For')).toBe(`${USER}, ${EDGE}`);
    expect(up.get('X-Real-IP')).toBe(USER);
    const noRealip = kongUpstreamForwarding({ incoming: new HeaderMap(), peerIp: '::ffff:203.0.113.66', scheme: 'http', host: 'h', port: 80, path: '/', trustedPeer: false });
    expect(noRealip.get('X-Real-IP')).toBe('203.0.113.66');
  });

  it('does not modify the incoming headers', () => {
    const incoming = new HeaderMap({ Connection: 'X-Debug', 'X-Debug': '1' });
    forward(incoming, EDGE);
    expect(incoming.get('X-Debug')).toBe('1');
  });
});

describe('small functions', () => {
  it('§6/§12 kongForwardedFor / kongVia: empty incoming values still count as present (Lua truthiness)', () => {
    expect(kongForwardedFor(undefined, EDGE, USER)).toBe(USER);
    expect(kongForwardedFor('', EDGE, USER)).toBe(`, ${EDGE}`);
    expect(kongVia(undefined, '1.0')).toBe('1 kong/3.10.0');
    expect(kongVia('', '1.1')).toBe(', 1.1 kong/3.10.0');
  });

  it('§6 Kong X-Forwarded-Path: pathWithoutQuery cuts from the first "?" after the first character', () => {
    expect(pathWithoutQuery('/a/b?x=1?y')).toBe('/a/b');
    expect(pathWithoutQuery('/a')).toBe('/a');
  });

  it('§6 Kong: kongForwardedValues falls back to own values for headers a trusted peer did not send', () => {
    const v = kongForwardedValues({
      incoming: new HeaderMap({ 'X-Forwarded-Proto': 'https' }),
      scheme: 'http',
      host: 'api.example',
      port: 8000,
      path: '/x?y',
      trustedPeer: true,
    });
    expect(v).toEqual({ proto: 'https', host: 'api.example', port: '8000', path: '/x', prefix: undefined });
  });
});
