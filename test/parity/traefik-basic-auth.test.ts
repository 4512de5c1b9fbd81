/**
 * Traefik basicAuth on both hosts (pkg/middlewares/auth/basic_auth.go ServeHTTP, goauth basic.go
 * RequireAuth): the right password reaches the backend with headerField set and, with removeHeader,
 * without Authorization; a wrong password and no header get 401, text/plain, WWW-Authenticate
 * Basic realm="traefik" and "401 Unauthorized\n". The simulation and real sockets give the same
 * answers and the same upstream headers.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';

const NOW = Date.parse('2026-01-01T12:00:05Z');
const ALICE = 'alice:$2y$04$CIm50OwCNc4B69czYNn05Oi7s2zWGnryGnuHV5d96QBIooELi56Pe'; // s3cret
const basic = (pair: string): string => `Basic ${btoa(pair)}`;

/** The upstream answers with the headers it received, so both hosts can be compared on them. */
const seen: IncomingHttpHeaders[] = [];
const upstream = createServer((req, res) => {
  req.resume();
  seen.push(req.headers);
  res.writeHead(200, { 'content-type': 'text/plain' }).end('admin');
});
let upstreamPort = 0;
beforeAll(async () => {
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamPort = (upstream.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => upstream.close(() => r()));
});

function ir(upstreamAddr: string): GatewayIR {
  const text = `http:
  routers:
    admin: { rule: "PathPrefix(\`/\`)", service: admin, middlewares: [staff] }
  middlewares:
    staff:
      basicAuth: { users: ["${ALICE}"], headerField: X-WebAuth-User, removeHeader: true }
  services:
    admin:
      loadBalancer: { servers: [{ url: "http://${upstreamAddr}" }] }
`;
  const loaded = loadGateway({ format: 'traefik', sources: [{ file: 'basic-auth.yaml', docs: parseYaml(text, 'basic-auth.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

const CASES: Array<[string, string | undefined, number]> = [
  ['right password', basic('alice:s3cret'), 200],
  ['wrong password', basic('alice:hunter2'), 401],
  ['no header', undefined, 401],
];
const CHALLENGE = { wwwAuthenticate: 'Basic realm="traefik"', type: 'text/plain', body: '401 Unauthorized\n' };

describe('basicAuth: simulation and real sockets agree', () => {
  it('simulation host', async () => {
    const s = createExplainSession(ir('admin.internal:8080'), 1);
    for (const [, auth, status] of CASES) {
      const r = await s.send({ method: 'GET', url: 'http://admin.example.com/users', headers: auth ? [['Authorization', auth]] : [], clientIp: '127.0.0.1', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [] });
      expect(r.status).toBe(status);
      if (status === 401) {
        expect([r.response.headers['www-authenticate'], r.response.headers['content-type'], r.response.body]).toEqual([CHALLENGE.wwwAuthenticate, CHALLENGE.type, CHALLENGE.body]);
      } else {
        expect(r.upstream?.headers['x-webauth-user']).toBe('alice');
        expect(r.upstream?.headers['authorization']).toBeUndefined();
      }
    }
  });

  it('proxy host on real sockets (127.0.0.1)', async () => {
    const proxy = new ProxyServer({ ir: ir(`127.0.0.1:${upstreamPort}`), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    try {
      for (const [, auth, status] of CASES) {
        seen.length = 0;
        const res = await request(`http://127.0.0.1:${proxy.port}/users`, { headers: { host: 'admin.example.com', ...(auth ? { authorization: auth } : {}) } });
        const body = await res.body.text();
        expect(res.statusCode).toBe(status);
        if (status === 401) {
          expect([res.headers['www-authenticate'], res.headers['content-type'], body]).toEqual([CHALLENGE.wwwAuthenticate, CHALLENGE.type, CHALLENGE.body]);
          expect(seen).toEqual([]);
        } else {
          expect(body).toBe('admin');
          expect(seen[0]?.['x-webauth-user']).toBe('alice');
          expect(seen[0]?.authorization).toBeUndefined();
        }
      }
    } finally {
      await proxy.drain(1000);
    }
  });
});
