/**
 * ingress-nginx auth-url (forward-auth, nginx flavour) on both hosts: the same requests through the
 * simulation and through the proxy on real sockets (127.0.0.1 only), with a real auth server that
 * answers by the X-Original-URL it receives. Both must give the client the same status and page, and
 * send the auth server the same headers. Rules: ngx_http_auth_request_handler (2xx passes; 401 with
 * WWW-Authenticate and 403 returned; any other status, or an unreachable auth server, is 500) and
 * nginx.tmpl's auth location (GET, no body, X-Original-URL/-Method, X-Sent-From, X-Real-IP,
 * X-Forwarded-For = $remote_addr, X-Auth-Request-Redirect; X-Forwarded-Proto not sent).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import type { Effect, EffectResult } from '../../engine/pipeline/types.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { authAndEchoPerFile } from '../support/auth-and-echo.ts';
import { oneIngress } from './ingress-nginx-cases.ts';

const NOW = Date.parse('2026-01-01T12:00:05Z');

/** The auth server's answer for the original path the subrequest names. */
function decide(originalUrl: string): { status: number; headers: Record<string, string> } {
  const path = new URL(originalUrl).pathname;
  if (path.endsWith('/ok')) return { status: 200, headers: { 'x-user-id': 'user-42' } };
  if (path.endsWith('/no-session')) return { status: 401, headers: { 'www-authenticate': 'Bearer realm="shop"' } };
  if (path.endsWith('/forbidden')) return { status: 403, headers: {} };
  if (path.endsWith('/moved')) return { status: 302, headers: { location: '/login' } };
  return { status: 503, headers: {} };
}

/** The headers of the auth call both hosts must agree on (X-Request-ID is random on sockets). */
const SEEN = ['host', 'x-original-url', 'x-original-method', 'x-sent-from', 'x-real-ip', 'x-forwarded-for', 'x-auth-request-redirect', 'x-forwarded-proto', 'cookie'];
const pick = (headers: Record<string, string | undefined>): Record<string, string | null> => Object.fromEntries(SEEN.map((n) => [n, headers[n] ?? null]));

const seenOnSockets: Array<{ method: string; body: string; headers: Record<string, string | null> }> = [];
const servers = authAndEchoPerFile((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([n, v]) => [n, Array.isArray(v) ? v.join(', ') : v]));
    seenOnSockets.push({ method: req.method ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: pick(headers) });
    const a = decide(String(headers['x-original-url']));
    res.writeHead(a.status, { 'content-type': 'text/plain', ...a.headers }).end('the auth server body');
  });
});

function ir(authUrl: string, upstreamPort: number): GatewayIR {
  const text = oneIngress({ name: 'shop', svc: 'orders', port: upstreamPort, path: '/orders', annotations: { 'auth-url': authUrl, 'auth-response-headers': 'X-User-ID' } });
  const loaded = loadGateway({ format: 'ingress-nginx', sources: [{ file: 'auth-url.yaml', docs: parseYaml(text, 'auth-url.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

const PATHS = ['/orders/ok', '/orders/no-session', '/orders/forbidden', '/orders/unavailable', '/orders/moved'];
const EXPECTED = [200, 401, 403, 500, 500];
const HEADERS: Array<[string, string]> = [['cookie', '_oauth2_proxy=s1'], ['x-forwarded-proto', 'https']];

interface Seen {
  status: number;
  challenge: string | null;
  page: string;
  auth: Record<string, string | null> | null;
}

async function viaSimulation(authUrl: string, upstreamPort: number, reachable: boolean): Promise<Seen[]> {
  const calls: Array<Extract<Effect, { type: 'http' }>> = [];
  const callouts = (e: Extract<Effect, { type: 'http' }>): EffectResult => {
    calls.push(e);
    if (!reachable) return { ok: false, error: 'connect ECONNREFUSED' };
    const h = new Map(e.headers.map(([n, v]) => [n.toLowerCase(), v]));
    const a = decide(h.get('x-original-url') ?? '');
    return { ok: true, status: a.status, headers: Object.entries(a.headers), body: 'the auth server body' };
  };
  const session = createExplainSession(ir(authUrl, upstreamPort), 1, callouts);
  const out: Seen[] = [];
  for (const path of PATHS) {
    const before = calls.length;
    const r = await session.send({ method: 'POST', url: `http://api.example.com${path}`, headers: HEADERS, body: 'order=1', clientIp: '127.0.0.1', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [], upstreamBody: 'echo' });
    const call = calls.length > before ? calls[calls.length - 1] : undefined;
    if (call) expect([call.method, call.body], 'GET without a body').toEqual(['GET', undefined]);
    const body = typeof r.response.body === 'string' ? r.response.body : '';
    out.push({
      status: r.status,
      challenge: (r.response.headers['www-authenticate'] as string | undefined) ?? null,
      page: /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? '',
      auth: call && reachable ? pick(Object.fromEntries(call.headers.map(([n, v]) => [n.toLowerCase(), v]))) : null,
    });
  }
  return out;
}

async function viaSockets(authUrl: string, upstreamPort: number): Promise<Seen[]> {
  const proxy = new ProxyServer({ ir: ir(authUrl, upstreamPort), port: 0, store: localStore(() => NOW), now: () => NOW });
  await proxy.start();
  try {
    const out: Seen[] = [];
    for (const path of PATHS) {
      const before = seenOnSockets.length;
      const res = await request(`http://127.0.0.1:${proxy.port}${path}`, { method: 'POST', headers: { host: 'api.example.com', ...Object.fromEntries(HEADERS) }, body: 'order=1' });
      const body = await res.body.text();
      const call = seenOnSockets.length > before ? seenOnSockets[seenOnSockets.length - 1] : undefined;
      if (call) expect([call.method, call.body], 'GET without a body').toEqual(['GET', '']);
      const challenge = res.headers['www-authenticate'];
      out.push({ status: res.statusCode, challenge: typeof challenge === 'string' ? challenge : null, page: /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? '', auth: call?.headers ?? null });
    }
    return out;
  } finally {
    await proxy.drain(1000);
  }
}

describe('ingress-nginx auth-url: simulation and real sockets agree (nginx auth_request)', () => {
  it('2xx passes; 401 (with WWW-Authenticate) and 403 are returned as nginx pages; a 503 or a 302 from the auth server is a 500', async () => {
    const url = `http://127.0.0.1:${servers.authPort}/verify`;
    const sim = await viaSimulation(url, servers.upstream.port, true);
    const real = await viaSockets(url, servers.upstream.port);
    expect(sim.map((s) => s.status)).toEqual(EXPECTED);
    expect(real, 'proxy vs simulation').toEqual(sim);
    expect(sim[1]).toMatchObject({ challenge: 'Bearer realm="shop"', page: '401 Authorization Required' });
    expect(sim[3]?.page).toBe('500 Internal Server Error');
    expect(sim[0]?.auth).toEqual({
      host: '127.0.0.1',
      'x-original-url': 'http://api.example.com/orders/ok',
      'x-original-method': 'POST',
      'x-sent-from': 'nginx-ingress-controller',
      'x-real-ip': '127.0.0.1',
      'x-forwarded-for': '127.0.0.1',
      'x-auth-request-redirect': '/orders/ok',
      'x-forwarded-proto': null,
      cookie: '_oauth2_proxy=s1',
    });
  });

  it('an auth server that refuses the connection: 500 on both hosts, the backend never called', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const url = `http://127.0.0.1:${port}/verify`;
    const reached = servers.upstream.received.length;
    const sim = await viaSimulation(url, servers.upstream.port, false);
    const real = await viaSockets(url, servers.upstream.port);
    expect(sim.map((s) => s.status)).toEqual([500, 500, 500, 500, 500]);
    expect(real.map((s) => [s.status, s.page])).toEqual(sim.map((s) => [s.status, s.page]));
    expect(servers.upstream.received.length).toBe(reached);
  });
});
