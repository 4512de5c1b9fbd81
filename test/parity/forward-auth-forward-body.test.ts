/**
 * forwardAuth forwardBody and maxBodySize (semantics §4) on both hosts: the auth server gets the
 * request's body, the backend still gets the same body, and a body over maxBodySize is a 401 with an
 * empty body before any auth call. On real sockets the proxy reads the client's stream (at most
 * maxBodySize + 1 bytes) and sends the bytes it read upstream in place of the stream; the simulation
 * reads the scenario's body. Both must answer the same.
 */
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

const NOW = Date.parse('2026-01-01T12:00:05Z');
const LIMIT = 16;

/** The auth server: allows any body but one that says "deny", and names the body it got in X-Body. */
function decide(body: string): { status: number; body: string; headers: Array<[string, string]> } {
  return body.includes('deny') ? { status: 403, body: 'no', headers: [] } : { status: 200, body: 'ok', headers: [['x-body', body === '' ? '(none)' : body]] };
}

const authCalls: string[] = [];
const servers = authAndEchoPerFile((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    authCalls.push(body);
    const a = decide(body);
    res.writeHead(a.status, { 'content-type': 'text/plain', ...Object.fromEntries(a.headers) }).end(a.body);
  });
});

function ir(upstreamAddr: string): GatewayIR {
  const text = `services: [{ name: app, url: "http://${upstreamAddr}" }]
routes:
  - { name: orders, service: app, paths: [/orders] }
plugins:
  - plugin: forward-auth
    route: orders
    config: { address: "http://127.0.0.1:${servers.authPort}/check", trustForwardHeader: false, authResponseHeaders: [X-Body], preserveRequestMethod: true, forwardBody: true, maxBodySize: ${LIMIT} }
`;
  const loaded = loadGateway({ format: 'ir', sources: [{ file: 'fa-body.yaml', docs: parseYaml(text, 'fa-body.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

/** [body sent, status, what the auth server got (null: never asked)]. */
const CASES: Array<[string, number, string | null]> = [
  ['order=1', 200, 'order=1'],
  ['x'.repeat(LIMIT), 200, 'x'.repeat(LIMIT)],
  ['x'.repeat(LIMIT + 1), 401, null],
  ['deny it', 403, 'deny it'],
];

describe('forwardAuth forwardBody: simulation and real sockets agree (semantics §4)', () => {
  it('§4 simulation host: the auth server gets the body; one byte over maxBodySize is a 401 with no call', async () => {
    const seen: string[] = [];
    const callouts = (e: Extract<Effect, { type: 'http' }>): EffectResult => {
      seen.push(e.body ?? '');
      const a = decide(e.body ?? '');
      return { ok: true, status: a.status, headers: a.headers, body: a.body };
    };
    const session = createExplainSession(ir('app.internal:8080'), 1, callouts);
    const got = [];
    for (const [body] of CASES) {
      const before = seen.length;
      const r = await session.send({ method: 'POST', url: 'http://api.example.com/orders', headers: [['content-type', 'text/plain']], body, clientIp: '127.0.0.1', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [], upstreamBody: 'echo' });
      got.push([body, r.status, seen.length > before ? seen[seen.length - 1] : null]);
      if (r.status === 200) expect(r.upstream?.headers['x-body']).toBe(body);
    }
    expect(got).toEqual(CASES);
  });

  it('§4 proxy host on real sockets: the same answers, and the backend receives the very body the auth server saw', async () => {
    const proxy = new ProxyServer({ ir: ir(`127.0.0.1:${servers.upstream.port}`), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    try {
      const got = [];
      for (const [body] of CASES) {
        const asked = authCalls.length;
        const reached = servers.upstream.received.length;
        const res = await request(`http://127.0.0.1:${proxy.port}/orders`, { method: 'POST', headers: { host: 'api.example.com', 'content-type': 'text/plain' }, body });
        const text = await res.body.text();
        got.push([body, res.statusCode, authCalls.length > asked ? authCalls[authCalls.length - 1] : null]);
        if (res.statusCode === 200) {
          const upstream = servers.upstream.received[reached];
          expect(upstream?.body, 'the backend gets the bytes the proxy read').toBe(body);
          expect(upstream?.headers['x-body']).toBe(body);
        } else if (res.statusCode === 401) {
          expect(text).toBe('');
          expect(servers.upstream.received.length, 'the backend is never called').toBe(reached);
        }
      }
      expect(got).toEqual(CASES);
    } finally {
      await proxy.drain(1000);
    }
  });
});
