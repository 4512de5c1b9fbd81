/**
 * forwardAuth maxResponseBodySize (semantics §4) on both hosts: an auth answer with a body over the
 * limit is a 401 with an empty body, whatever its status, and the backend is never called. On real
 * sockets the proxy stops reading the auth answer at the limit (here a 1 MiB body against a 16-byte
 * limit); the simulation hands the plugin the whole body. Both must answer the same.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import type { Effect, EffectResult } from '../../engine/pipeline/types.ts';
import { callout } from '../../engine/runtimes/proxy/proxy-host.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { createExplainSession } from '../../engine/runtimes/sim/explain.ts';
import { authAndEchoPerFile } from '../support/auth-and-echo.ts';

const NOW = Date.parse('2026-01-01T12:00:05Z');
const BIG = 'x'.repeat(1 << 20);

/** The auth server: /ok allows with a short body, /big allows with 1 MiB, /deny refuses with a long page. */
function authServer(path: string): { status: number; body: string } {
  if (path === '/big') return { status: 200, body: BIG };
  if (path === '/deny') return { status: 403, body: '<html>forbidden, and a long page</html>' };
  return { status: 200, body: 'ok' };
}

const servers = authAndEchoPerFile((req, res) => {
  const a = authServer(req.url ?? '/');
  res.writeHead(a.status, { 'content-type': 'text/plain', 'x-user': 'ada' }).end(a.body);
});

function ir(upstreamAddr: string): GatewayIR {
  const route = (name: string) => `  - { name: ${name}, service: app, paths: [/${name}] }`;
  const plugin = (name: string) => `  - plugin: forward-auth
    route: ${name}
    config: { address: "http://127.0.0.1:${servers.authPort}/${name}", trustForwardHeader: false, authResponseHeaders: [X-User], maxResponseBodySize: 16 }`;
  const names = ['ok', 'big', 'deny'];
  const text = `services: [{ name: app, url: "http://${upstreamAddr}" }]
routes:
${names.map(route).join('\n')}
plugins:
${names.map(plugin).join('\n')}
`;
  const loaded = loadGateway({ format: 'ir', sources: [{ file: 'fa-limit.yaml', docs: parseYaml(text, 'fa-limit.yaml').docs }], overlays: [] });
  if (!loaded.ir) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  return loaded.ir;
}

/** [path, status, body]: what Traefik answers (forward.go readResponseBodyBytes). */
const EXPECTED: Array<[string, number, string]> = [
  ['/ok/orders', 200, 'echo'],
  ['/big/orders', 401, ''],
  ['/deny/orders', 401, ''],
];

describe('forwardAuth maxResponseBodySize: simulation and real sockets agree (semantics §4)', () => {
  it('§4 simulation host', async () => {
    const callouts = (e: Extract<Effect, { type: 'http' }>): EffectResult => ({ ok: true, status: authServer(new URL(e.url).pathname).status, headers: [['x-user', 'ada']], body: authServer(new URL(e.url).pathname).body });
    const session = createExplainSession(ir('app.internal:8080'), 1, callouts);
    const got = [];
    for (const [path] of EXPECTED) {
      const r = await session.send({ method: 'GET', url: `http://api.example.com${path}`, headers: [], clientIp: '127.0.0.1', now: NOW, seed: 1, repeat: 0, upstreamStatus: 200, upstreamHeaders: [], upstreamBody: 'echo' });
      got.push([path, r.status, typeof r.response.body === 'string' ? r.response.body : JSON.stringify(r.response.body)]);
    }
    expect(got).toEqual(EXPECTED);
  });

  it('§4 proxy host on real sockets: the 1 MiB auth answer is cut off at the limit and refused', async () => {
    const proxy = new ProxyServer({ ir: ir(`127.0.0.1:${servers.upstream.port}`), port: 0, store: localStore(() => NOW), now: () => NOW });
    await proxy.start();
    try {
      const got = [];
      for (const [path] of EXPECTED) {
        const before = servers.upstream.received.length;
        const res = await request(`http://127.0.0.1:${proxy.port}${path}`, { headers: { host: 'api.example.com' } });
        const body = await res.body.text();
        const reached = servers.upstream.received.length > before;
        got.push([path, res.statusCode, reached ? 'echo' : body]);
      }
      expect(got).toEqual(EXPECTED);
    } finally {
      await proxy.drain(1000);
    }
  });

  it("§4 the proxy's auth call itself stops at the limit: bodyTooLarge and no body, instead of 1 MiB in memory", async () => {
    const base = { type: 'http' as const, purpose: 'forward-auth', method: 'GET', url: `http://127.0.0.1:${servers.authPort}/big`, headers: [], timeoutMs: 5000 };
    const cut = await callout({ ...base, maxBodyBytes: 16 });
    expect(cut).toMatchObject({ ok: true, status: 200, bodyTooLarge: true });
    expect(cut.ok && cut.body).toBeUndefined();
    const whole = await callout(base);
    expect(whole.ok && whole.body?.length).toBe(1 << 20);
    const exact = await callout({ ...base, url: `http://127.0.0.1:${servers.authPort}/ok`, maxBodyBytes: 2 });
    expect(exact).toMatchObject({ ok: true, body: 'ok' });
  });
});
