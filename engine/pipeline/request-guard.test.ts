/**
 * The header rules both hosts apply before the dialect (request-guard.ts): RFC 9112 §3.2 duplicate
 * Host, duplicate credentials, and Connection tokens confined on arrival (RFC 9110 §7.6.1) so a client
 * cannot name away a header the gateway adds. The proxy suites pin the same answers on real sockets.
 */
import { describe, expect, it } from 'vitest';
import { kongIr } from '../../test/support/kong-config.ts';
import { explainRequest } from '../runtimes/sim/explain.ts';
import { HeaderMap } from './headers.ts';
import { confineConnectionTokens, refuseHeaders } from './request-guard.ts';

describe('refuseHeaders', () => {
  it('two Host lines → 400 GL_E_DUPLICATE_HOST; one is fine', () => {
    expect(refuseHeaders(new HeaderMap([['Host', 'a'], ['host', 'b']]))).toMatchObject({ status: 400, code: 'GL_E_DUPLICATE_HOST' });
    expect(refuseHeaders(new HeaderMap([['Host', 'a']]))).toBeUndefined();
  });

  it('two Authorization or Proxy-Authorization lines → 400 GL_E_DUPLICATE_AUTHORIZATION', () => {
    expect(refuseHeaders(new HeaderMap([['Authorization', 'a'], ['authorization', 'b']]))?.code).toBe('GL_E_DUPLICATE_AUTHORIZATION');
    expect(refuseHeaders(new HeaderMap([['Proxy-Authorization', 'a'], ['Proxy-Authorization', 'b']]))?.reason).toContain('Proxy-Authorization');
  });
});

describe('confineConnectionTokens', () => {
  it('removes the named headers now and keeps only keywords in Connection', () => {
    const h = new HeaderMap([['Connection', 'keep-alive, X-Consumer-ID, authorization'], ['Authorization', 'Bearer t'], ['X-Other', '1']]);
    expect(confineConnectionTokens(h)).toEqual(['authorization']);
    expect(h.list()).toEqual([['Connection', 'keep-alive'], ['X-Other', '1']]);
  });

  it('drops a Connection line that named only headers', () => {
    const h = new HeaderMap([['Connection', 'X-Gateway-Auth'], ['A', '1']]);
    confineConnectionTokens(h);
    expect(h.list()).toEqual([['A', '1']]);
  });
});

describe('the simulation answers like the proxy (same Gateway code)', () => {
  const ir = kongIr(`_format_version: "3.0"
services:
  - name: app
    url: http://app.internal:8080
    routes: [{ name: r, paths: ["/admin"] }]
    plugins:
      - name: request-transformer
        config: { add: { headers: ["X-Gateway-Auth: gateway-secret"] } }
`);
  const ask = (headers: Array<[string, string]>) =>
    explainRequest(ir, { method: 'GET', url: 'http://api.example.com/admin/x', headers, clientIp: '10.0.0.1', now: 0, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });

  // A duplicate Host cannot be written in a scenario (the request builder keeps one Host line), so
  // the simulation's case is the duplicate credential; the proxy suite pins both.
  it('duplicate Authorization → 400 with the code in the body, before any plugin', async () => {
    const r = await ask([['Authorization', 'Bearer a'], ['Authorization', 'Bearer b']]);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.response.body)).toContain('GL_E_DUPLICATE_AUTHORIZATION');
    expect(r.upstream).toBeNull();
  });

  it('Connection naming a header the gateway adds does not remove it upstream', async () => {
    const r = await ask([['Connection', 'X-Gateway-Auth']]);
    expect(r.status).toBe(200);
    expect(r.upstream?.headers['x-gateway-auth']).toBe('gateway-secret');
  });
});
