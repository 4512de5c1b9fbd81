/**
 * Semantics §12 (hop-by-hop headers, X-Forwarded-*, Forwarded, Via): the rules hop-by-hop.test.ts,
 * forwarded-headers.test.ts and the Traefik router tests do not already pin — Go's ReverseProxy (which
 * Traefik runs) keeping `TE: trailers` and re-adding a WebSocket upgrade, the stripping of responses in
 * the simulation as on the proxy host, `Forwarded` passing through untouched (documented as not
 * modelled), and Via on the responses Kong forwards.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceIR, TargetIR } from '../config/ir.ts';
import { send as sendTraefik, session as traefikSession, traefikIr } from '../config/traefik/test-kit.ts';
import { HeaderMap } from '../pipeline/headers.ts';
import type { UpstreamCall } from '../pipeline/host.ts';
import { KONG_ORDERS, kongIr } from '../pipeline/test-kit.ts';
import { BackendModels } from '../runtimes/sim/backend-model.ts';
import { createExplainSession } from '../runtimes/sim/explain.ts';
import { Rng } from '../core/rng.ts';
import { stripHopByHop } from './hop-by-hop.ts';

const TRAEFIK = `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: r
spec:
  routes:
    - match: "PathPrefix(\`/\`)"
      services:
        - name: r
          port: 80
`;


const kongSend = (headers: Array<[string, string]>, upstreamHeaders: Array<[string, string]> = []) =>
  createExplainSession(kongIr(KONG_ORDERS), 1).send({ method: 'GET', url: 'http://api.example.com/orders/1', headers, clientIp: '203.0.113.9', now: 0, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders });

describe('semantics §12 hop-by-hop: Go\'s ReverseProxy (Traefik)', () => {
  it('§12 Go keeps "TE: trailers": a client that accepts trailers still says so upstream, other TE values go (FIXED)', async () => {
    const s = traefikSession(traefikIr(TRAEFIK));
    const withTrailers = await sendTraefik(s, { url: 'http://x/', headers: { TE: 'gzip, trailers' } });
    expect(withTrailers.upstream?.headers['te']).toBe('trailers');
    const without = await sendTraefik(s, { url: 'http://x/', headers: { TE: 'gzip' } });
    expect(without.upstream?.headers['te']).toBeUndefined();
  });

  it('§12 a WebSocket upgrade is re-added deliberately: Connection: Upgrade and the Upgrade value (FIXED)', async () => {
    const s = traefikSession(traefikIr(TRAEFIK));
    const r = await sendTraefik(s, { url: 'http://x/', headers: { Connection: 'keep-alive, Upgrade', Upgrade: 'websocket' } });
    expect(r.upstream?.headers).toMatchObject({ connection: 'Upgrade', upgrade: 'websocket' });
    // Upgrade without Connection naming it is no upgrade: both go.
    const plain = await sendTraefik(s, { url: 'http://x/', headers: { Upgrade: 'websocket' } });
    expect(plain.upstream?.headers['upgrade']).toBeUndefined();
    expect(plain.upstream?.headers['connection']).toBeUndefined();
  });

  it('§12 Proxy-Authenticate, Trailer and Transfer-Encoding never reach the backend through Traefik', async () => {
    const s = traefikSession(traefikIr(TRAEFIK));
    const r = await sendTraefik(s, { url: 'http://x/', headers: { 'Proxy-Authenticate': 'Basic', Trailer: 'X-Sum', 'Proxy-Connection': 'keep-alive' } });
    const h = r.upstream?.headers ?? {};
    expect([h['proxy-authenticate'], h['trailer'], h['proxy-connection']]).toEqual([undefined, undefined, undefined]);
  });
});

describe('semantics §12 hop-by-hop: responses', () => {
  const service = { name: 'orders', host: 'orders.internal' } as ServiceIR;
  const target = { host: 'orders.internal', port: 8080 } as TargetIR;
  const call = { requestId: 'r1', service, target, request: { method: 'GET', host: 'orders.internal', path: '/', headers: new HeaderMap() }, scheme: 'http' } as unknown as UpstreamCall;

  it('§12 the same stripping applies to responses: a simulated backend\'s hop-by-hop headers are gone before the gateway sees them (FIXED)', () => {
    const backend = {
      name: 'orders',
      latency: { kind: 'constant' as const, ms: 1 },
      errorRate: 0,
      errorStatus: 500,
      status: 200,
      headers: [
        ['Connection', 'close, X-Up-Debug'],
        ['X-Up-Debug', '1'],
        ['Keep-Alive', 'timeout=5'],
        ['Transfer-Encoding', 'chunked'],
        ['Proxy-Authenticate', 'Basic'],
        ['Trailer', 'X-Sum'],
        ['Upgrade', 'h2c'],
        ['Cache-Control', 'no-store'],
      ] as Array<[string, string]>,
    };
    const models = new BackendModels([backend], 1, (name) => new Rng(1, name));
    const out = models.answer(call, 0, 1);
    if (!out.answer.ok) throw new Error('no answer');
    expect(out.answer.headers.list()).toEqual([
      ['Cache-Control', 'no-store'],
      ['Content-Type', 'application/json'],
    ]);
  });

  it('§12 stripHopByHop on a response: Connection-listed names, then the fixed set, everything else kept in order', () => {
    const h = new HeaderMap([
      ['Date', 'x'],
      ['Connection', 'X-A'],
      ['X-A', '1'],
      ['Upgrade', 'h2c'],
      ['Set-Cookie', 'a=b'],
    ]);
    stripHopByHop(h);
    expect(h.list()).toEqual([
      ['Date', 'x'],
      ['Set-Cookie', 'a=b'],
    ]);
  });
});

describe('semantics §12 Forwarded and Via', () => {
  it('§12 Forwarded (RFC 7239) is not modelled: it reaches the backend exactly as the client sent it, through Kong and Traefik', async () => {
    const value = 'for="[2001:db8::17]:4711";proto=https, for=unknown;by=_hidden';
    const kong = await kongSend([['Forwarded', value]]);
    expect(kong.upstream?.headers['forwarded']).toBe(value);
    const traefik = await sendTraefik(traefikSession(traefikIr(TRAEFIK)), { url: 'http://x/', headers: { Forwarded: value } });
    expect(traefik.upstream?.headers['forwarded']).toBe(value);
  });

  it('§12 Via on a response Kong forwards: the backend\'s entry first, then "1.1 kong/3.10.0" (protocol name omitted for HTTP)', async () => {
    const r = await kongSend([], [['Via', '1.1 backend-cache']]);
    // Two lines in this order are the same list as one comma-separated line (RFC 9110 §5.3).
    expect(r.response.headers['via']).toEqual(['1.1 backend-cache', '1.1 kong/3.10.0']);
  });

  it('§12 Via on the request Kong forwards: appended to the client\'s, comma-separated, in order', async () => {
    const r = await kongSend([['Via', '1.0 corp-proxy, 1.1 cdn']]);
    expect(r.upstream?.headers['via']).toBe('1.0 corp-proxy, 1.1 cdn, 1.1 kong/3.10.0');
  });
});
