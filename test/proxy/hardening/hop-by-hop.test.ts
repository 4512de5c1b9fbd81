/**
 * Hop-by-hop abuse on the real proxy (semantics §12; RFC 9110 §7.6.1): headers named in Connection
 * are the client's own hop-by-hop headers and are dropped on arrival, so naming a header the gateway
 * adds (X-Gateway-Auth from request-transformer, X-Consumer-*, X-Forwarded-For, X-Real-IP) cannot
 * remove it upstream; TE, Trailer, Expect, Upgrade, Keep-Alive and every Proxy-* header never reach
 * the upstream.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { API_KEY, sendRaw, startHardenedProxy, type HardenedProxy } from './harness.ts';

let gw: HardenedProxy | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** Lower-case name → values of what the upstream received. */
function upstreamHeaders(raw: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    out.set(name, [...(out.get(name) ?? []), raw[i + 1] as string]);
  }
  return out;
}

describe('Connection cannot strip what the gateway adds', () => {
  it('Connection naming X-Gateway-Auth, X-Consumer-Username, X-Forwarded-For and X-Real-IP: all still reach the upstream', async () => {
    gw = await startHardenedProxy();
    const answer = await sendRaw(
      gw.port,
      `GET /admin/x HTTP/1.1\r\nHost: api.example.com\r\napikey: ${API_KEY}\r\nConnection: close, X-Gateway-Auth, X-Consumer-Username, X-Forwarded-For, X-Real-IP\r\n\r\n`,
    );
    expect(answer.statuses).toEqual([200]);
    expect(gw.upstream.complete).toHaveLength(1);
    const h = upstreamHeaders(gw.upstream.complete[0]!.rawHeaders);
    expect(h.get('x-gateway-auth')).toEqual(['gateway-secret']);
    expect(h.get('x-consumer-username')).toEqual(['partner']);
    expect(h.get('x-forwarded-for')).toEqual(['127.0.0.1']);
    expect(h.get('x-real-ip')).toEqual(['127.0.0.1']);
  });

  it('a credential the client itself names in Connection is hop-by-hop: it is dropped before auth runs (401)', async () => {
    gw = await startHardenedProxy();
    const answer = await sendRaw(gw.port, `GET /admin/x HTTP/1.1\r\nHost: api.example.com\r\napikey: ${API_KEY}\r\nConnection: close, apikey\r\n\r\n`);
    expect(answer.statuses).toEqual([401]);
    expect(answer.body).toContain('No API key found');
    expect(gw.upstream.complete).toEqual([]);
  });

  it('a client header named in Connection never reaches the upstream', async () => {
    gw = await startHardenedProxy();
    await sendRaw(gw.port, 'GET /public/x HTTP/1.1\r\nHost: api.example.com\r\nX-Secret-Hop: 1\r\nConnection: close, X-Secret-Hop\r\n\r\n');
    expect(upstreamHeaders(gw.upstream.complete[0]!.rawHeaders).has('x-secret-hop')).toBe(false);
  });
});

describe('headers never forwarded upstream', () => {
  it('TE, Trailer, Expect, Upgrade, Keep-Alive, Proxy, Proxy-Authorization and Proxy-Connection are dropped; the body still arrives', async () => {
    gw = await startHardenedProxy();
    const answer = await sendRaw(
      gw.port,
      [
        'POST /public/x HTTP/1.1',
        'Host: api.example.com',
        'TE: trailers, deflate',
        'Trailer: X-Checksum',
        'Expect: 100-continue',
        'Upgrade: h2c',
        'Keep-Alive: timeout=5',
        'Proxy: http://attacker.example:8080',
        'Proxy-Authorization: Basic Z2F0ZXdheTpzZWNyZXQ=',
        'Proxy-Connection: keep-alive',
        'Content-Length: 5',
        'Connection: close',
        '',
        'hello',
      ].join('\r\n'),
    );
    // Node answers Expect: 100-continue with an interim 100 before the proxy's answer.
    expect(answer.statuses.filter((s) => s !== 100)).toEqual([200]);
    expect(gw.upstream.complete).toHaveLength(1);
    const seen = gw.upstream.complete[0]!;
    expect(seen.body).toBe('hello');
    const names = [...upstreamHeaders(seen.rawHeaders).keys()];
    for (const banned of ['te', 'trailer', 'expect', 'upgrade', 'keep-alive', 'proxy', 'proxy-authorization', 'proxy-connection']) {
      expect(names, banned).not.toContain(banned);
    }
  });
});
