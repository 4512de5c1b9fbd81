/**
 * Parity for the plugins that call out (issue 6): forward-auth (semantics §4) and jwt-remote's JWKS
 * fetch, and response-transformer's JSON body (buffered on the proxy host through needsBody). One auth
 * server, written once as a function: on sockets it is a real HTTP server the proxy calls; in the
 * simulation the explain host answers callouts with the same function. Both hosts must agree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import type { Effect, EffectResult } from '../../engine/pipeline/types.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { authAndEchoPerFile } from '../support/auth-and-echo.ts';

const NOW = Date.parse('2026-01-01T12:00:05Z');
const NOW_S = NOW / 1000;

interface Answer {
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

let jwk: JWK;
let signer: CryptoKey;

/** The auth server and identity provider, as a pure function of the request. */
function authServer(method: string, path: string, headers: Record<string, string>): Answer {
  if (path === '/jwks') return { status: 200, headers: [['content-type', 'application/json']], body: JSON.stringify({ keys: [jwk] }) };
  const cookie = headers['cookie'] ?? '';
  if (cookie.includes('session=good')) return { status: 200, headers: [['x-auth-request-user', 'ada'], ['x-auth-request-email', 'ada@example.com']], body: '' };
  if (cookie.includes('session=expired')) return { status: 302, headers: [['location', '/oauth2/start?rd=%2F']], body: '' };
  return { status: 401, headers: [['content-type', 'text/plain'], ['www-authenticate', 'Bearer realm="auth"']], body: `denied ${method}` };
}

const servers = authAndEchoPerFile((req, res) => {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
  const a = authServer(req.method ?? 'GET', req.url ?? '/', headers);
  res.writeHead(a.status, Object.fromEntries(a.headers)).end(a.body);
});

beforeAll(async () => {
  const kp = await generateKeyPair('ES256', { extractable: true });
  signer = kp.privateKey;
  jwk = { ...(await exportJWK(kp.publicKey)), kid: 'idp-1', alg: 'ES256' };
});

function ir(upstreamAddr: string, authAddr: string): GatewayIR {
  const text = `services: [{ name: app, url: "http://${upstreamAddr}" }]
routes:
  - { name: fa, service: app, paths: [/fa] }
  - { name: jr, service: app, paths: [/jr] }
  - { name: rt, service: app, paths: [/rt] }
plugins:
  - plugin: forward-auth
    route: fa
    config: { address: "http://${authAddr}/oauth2/auth", trustForwardHeader: true, authResponseHeaders: [X-Auth-Request-User, X-Auth-Request-Email] }
  - plugin: jwt-remote
    route: jr
    config:
      issuer: https://idp.example.com
      remote_jwks: { http_uri: { uri: "http://${authAddr}/jwks", timeout: 2s }, cache_duration: 60s }
      claim_to_headers: [{ header_name: x-user, claim_name: sub }]
  - plugin: response-transformer
    route: rt
    config: { remove: { json: [rawHeaders, headers], headers: [x-upstream] }, add: { json: ["gateway:gatelab"] } }
`;
  const loaded = loadGateway({ format: 'ir', sources: [{ file: 'callouts.yaml', docs: parseYaml(text, 'callouts.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

interface Step {
  path: string;
  headers?: Record<string, string>;
  expect: { status: number; response?: Record<string, string | undefined>; upstream?: Record<string, string | undefined>; body?: (b: string) => void };
}

let steps: Step[] = [];
beforeAll(async () => {
  const token = (claims: Record<string, unknown>) => new SignJWT({ iss: 'https://idp.example.com', sub: 'user-42', exp: NOW_S + 600, ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'idp-1' }).sign(signer);
  steps = [
    { path: '/fa/orders', headers: { Cookie: 'session=good', 'X-Auth-Request-User': 'forged' }, expect: { status: 200, upstream: { 'x-auth-request-user': 'ada', 'x-auth-request-email': 'ada@example.com' } } },
    { path: '/fa/orders', headers: { Cookie: 'session=none' }, expect: { status: 401, response: { 'www-authenticate': 'Bearer realm="auth"' }, body: (b) => expect(b).toBe('denied GET') } },
    { path: '/fa/orders', headers: { Cookie: 'session=expired' }, expect: { status: 302, response: { location: `http://127.0.0.1:AUTHPORT/oauth2/start?rd=%2F` } } },
    { path: '/jr/orders', headers: { Authorization: `Bearer ${await token({})}` }, expect: { status: 200, upstream: { authorization: undefined, 'x-user': 'user-42' } } },
    { path: '/jr/orders', headers: { Authorization: `Bearer ${await token({ exp: NOW_S - 3600 })}` }, expect: { status: 401, body: (b) => expect(b).toBe('Jwt is expired') } },
    { path: '/jr/orders', expect: { status: 401, body: (b) => expect(b).toBe('Jwt is missing') } },
    {
      path: '/rt/orders',
      expect: {
        status: 200,
        response: { 'x-upstream': undefined, 'content-length': String(JSON.stringify({ method: 'GET', url: '/orders', gateway: 'gatelab' }).length) },
        body: (b) => expect(JSON.parse(b)).toEqual({ method: 'GET', url: '/orders', gateway: 'gatelab' }),
      },
    },
  ];
});

/** What the echo upstream would answer, for the simulation's scripted upstream. */
const echoAnswer = (path: string) => JSON.stringify({ method: 'GET', url: path, headers: {}, rawHeaders: [] });

describe('callouts and buffered bodies: simulation and real sockets agree', () => {
  it('simulation host (callouts answered by the same auth function)', async () => {
    const callouts = (e: Extract<Effect, { type: 'http' }>): EffectResult => {
      const u = new URL(e.url);
      return { ok: true, ...authServer(e.method, u.pathname, Object.fromEntries(e.headers.map(([n, v]) => [n.toLowerCase(), v]))) };
    };
    const session = createExplainSession(ir('app.internal:8080', `127.0.0.1:${servers.authPort}`), 1, callouts);
    for (const [i, s] of steps.entries()) {
      const upstreamPath = s.path.replace(/^\/\w+/, '');
      const r = await session.send({
        method: 'GET',
        url: `http://api.example.com${s.path}`,
        headers: Object.entries(s.headers ?? {}),
        clientIp: '127.0.0.1',
        now: NOW,
        seed: 1,
        repeat: 0,
        upstreamStatus: 200,
        upstreamHeaders: [['content-type', 'application/json'], ['x-upstream', 'echo']],
        upstreamBody: echoAnswer(upstreamPath),
      });
      expect(r.status, `sim step ${i + 1}`).toBe(s.expect.status);
      for (const [n, v] of Object.entries(s.expect.response ?? {})) {
        if (n === 'content-length') continue; // the simulation sends no Content-Length of its own
        expect(r.response.headers[n], `sim step ${i + 1} ${n}`).toBe(v?.replace('AUTHPORT', String(servers.authPort)));
      }
      for (const [n, v] of Object.entries(s.expect.upstream ?? {})) expect(r.upstream?.headers[n], `sim step ${i + 1} upstream ${n}`).toBe(v);
      const body = typeof r.response.body === 'string' ? r.response.body : JSON.stringify(r.response.body);
      s.expect.body?.(body);
    }
  });

  it('proxy host on real sockets (real auth server, real JWKS fetch, streamed body buffered)', async () => {
    const proxy = new ProxyServer({ ir: ir(`127.0.0.1:${servers.upstream.port}`, `127.0.0.1:${servers.authPort}`), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    try {
      for (const [i, s] of steps.entries()) {
        const before = servers.upstream.received.length;
        const res = await request(`http://127.0.0.1:${proxy.port}${s.path}`, { headers: { host: 'api.example.com', ...(s.headers ?? {}) } });
        const body = await res.body.text();
        expect(res.statusCode, `proxy step ${i + 1}`).toBe(s.expect.status);
        for (const [n, v] of Object.entries(s.expect.response ?? {})) expect(res.headers[n], `proxy step ${i + 1} ${n}`).toBe(v?.replace('AUTHPORT', String(servers.authPort)));
        const seen = servers.upstream.received.length > before ? servers.upstream.received.at(-1) : undefined;
        for (const [n, v] of Object.entries(s.expect.upstream ?? {})) expect(seen?.headers[n], `proxy step ${i + 1} upstream ${n}`).toBe(v);
        s.expect.body?.(body);
      }
    } finally {
      await proxy.drain(1000);
    }
  });
});
