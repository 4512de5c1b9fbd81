/**
 * Kong's Admin API target health on serve's admin listener (engine/runtimes/proxy/kong-health-api.ts),
 * on real sockets. Kong's reference, "Show Upstream Health for Node" (GET /upstreams/{upstream}/health,
 * Admin API; kong/api/routes/upstreams.lua, kong/db/dao/targets.lua): each target's `health` is
 * HEALTHY or UNHEALTHY while health checks are on, HEALTHCHECKS_OFF when the upstream has none, and
 * DNS_ERROR when its name did not resolve; `?balancer_health=1` reports the upstream as a whole; an
 * unknown upstream is 404 `{"message":"Not found"}`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { startAdmin } from '../../engine/runtimes/proxy/admin-server.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { kongIr } from '../support/kong-config.ts';

const PROBE = '/probe';
const DEADLINE_MS = 5_000;

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Backend {
  port: number;
  /** While set, both requests and probes get 500. */
  failing: boolean;
}

async function backend(failing: boolean): Promise<Backend> {
  const b: Backend = { port: 0, failing };
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(b.failing ? 500 : 200, { 'content-type': 'text/plain' }).end(req.url === PROBE ? 'probe' : 'ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  b.port = (server.address() as AddressInfo).port;
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return b;
}

/** An upstream `pool` of two targets behind service `orders`; `healthchecks` is YAML under the upstream. */
function poolConfig(a: number, b: number, healthchecks: string): GatewayIR {
  return kongIr(`_format_version: "3.0"
upstreams:
  - name: pool
${healthchecks}    targets:
      - target: 127.0.0.1:${a}
      - target: 127.0.0.1:${b}
        weight: 50
services:
  - name: orders
    host: pool
    port: 80
    protocol: http
    routes:
      - name: orders-route
        paths: ["/api"]
  - name: plain
    url: http://127.0.0.1:${a}
    routes:
      - name: plain-route
        paths: ["/plain"]
`);
}

async function serveProxy(ir: GatewayIR): Promise<{ base: string; admin: string }> {
  const proxy = new ProxyServer({ ir, port: 0, store: localStore(() => Date.now()) });
  await proxy.start();
  const admin = await startAdmin(proxy, '127.0.0.1', 0);
  cleanup.push(async () => {
    await new Promise((r) => admin.server.close(r));
    await proxy.drain(1000);
  });
  return { base: `http://127.0.0.1:${proxy.port}`, admin: `http://127.0.0.1:${admin.address.port}` };
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await request(url);
  return { status: res.statusCode, body: await res.body.json() };
}

const healthOf = (body: { data: Array<{ target: string; health: string }> }): Record<string, string> => Object.fromEntries(body.data.map((t) => [t.target, t.health]));

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Kong's GET /upstreams/{upstream}/health on serve's admin listener", () => {
  it('reads UNHEALTHY for a target passive checks took out, then HEALTHY once active probes pass', async () => {
    const a = await backend(false);
    const b = await backend(true);
    // Probes only while a target is unhealthy (healthy.interval 0): b leaves by passive checks alone.
    const { base, admin } = await serveProxy(
      poolConfig(
        a.port,
        b.port,
        `    healthchecks:
      passive:
        unhealthy:
          http_failures: 2
      active:
        http_path: ${PROBE}
        healthy:
          interval: 0
          successes: 2
        unhealthy:
          interval: 0.1
          http_failures: 1
`,
      ),
    );
    const A = `127.0.0.1:${a.port}`;
    const B = `127.0.0.1:${b.port}`;
    const before = await getJson(`${admin}/upstreams/pool/health`);
    expect(before.status).toBe(200);
    expect(healthOf(before.body)).toEqual({ [A]: 'HEALTHY', [B]: 'HEALTHY' });

    const agent = new Agent({ connections: 2 });
    cleanup.push(() => agent.close());
    const statuses: number[] = [];
    for (let i = 0; i < 8 && statuses.filter((s) => s === 500).length < 2; i++) {
      const res = await request(`${base}/api/${i}`, { dispatcher: agent });
      await res.body.dump();
      statuses.push(res.statusCode);
    }
    expect(statuses.filter((s) => s === 500)).toHaveLength(2);

    const down = await getJson(`${admin}/upstreams/pool/health`);
    expect(healthOf(down.body)).toEqual({ [A]: 'HEALTHY', [B]: 'UNHEALTHY' });
    // Kong's shape: the page, no next page, and per target the entity fields with its one address.
    expect(down.body).toMatchObject({ next: null, node_id: null });
    expect(down.body.data[1]).toEqual({
      id: null,
      created_at: null,
      updated_at: null,
      upstream: null,
      tags: null,
      target: B,
      weight: 50,
      health: 'UNHEALTHY',
      data: { addresses: [{ ip: '127.0.0.1', port: b.port, weight: 50, health: 'UNHEALTHY' }] },
    });
    // The upstream as a whole: a's 100 of 150 weight is healthy, above the threshold of 0.
    const balancer = await getJson(`${admin}/upstreams/pool/health?balancer_health=1`);
    expect(balancer).toEqual({
      status: 200,
      body: { data: { health: 'HEALTHY', id: null, details: { healthy: true, weight: { total: 150, available: 100, unavailable: 50 } } }, next: null, node_id: null },
    });

    // Active probes of b fail while it fails; once it answers 200, two passing probes bring it back.
    b.failing = false;
    await until('b to read HEALTHY', async () => healthOf((await getJson(`${admin}/upstreams/pool/health`)).body)[B] === 'HEALTHY');
    expect(healthOf((await getJson(`${admin}/upstreams/pool/health/`)).body)).toEqual({ [A]: 'HEALTHY', [B]: 'HEALTHY' });

    // gatelab's own view of the same service, for any dialect.
    const service = await getJson(`${admin}/services/orders/health`);
    expect(service.body).toEqual({
      service: 'orders',
      dialect: 'kong',
      checks: { passive: 'kong', active: true },
      targets: [
        { target: A, weight: 100, health: 'healthy', passive: 'healthy', active: 'healthy' },
        { target: B, weight: 50, health: 'healthy', passive: 'healthy', active: 'healthy' },
      ],
    });
  });

  it('passive checks alone: a target they took out stays UNHEALTHY, and the balancer turns UNHEALTHY with none left', async () => {
    const a = await backend(true);
    const b = await backend(true);
    const { base, admin } = await serveProxy(
      poolConfig(
        a.port,
        b.port,
        `    healthchecks:
      passive:
        unhealthy:
          http_failures: 1
`,
      ),
    );
    // One 500 each takes both out (Kong passive has no way back without active probes or an admin call).
    for (let i = 0; i < 2; i++) await (await request(`${base}/api/${i}`)).body.dump();
    const A = `127.0.0.1:${a.port}`;
    const B = `127.0.0.1:${b.port}`;
    expect(healthOf((await getJson(`${admin}/upstreams/pool/health`)).body)).toEqual({ [A]: 'UNHEALTHY', [B]: 'UNHEALTHY' });
    expect((await getJson(`${admin}/upstreams/pool/health?balancer_health=1`)).body.data).toEqual({
      health: 'UNHEALTHY',
      id: null,
      details: { healthy: false, weight: { total: 150, available: 0, unavailable: 150 } },
    });
    // Kong compares the query value with "1": anything else is the per-target page.
    expect((await getJson(`${admin}/upstreams/pool/health?balancer_health=true`)).body.data).toHaveLength(2);
    expect((await getJson(`${admin}/services/orders/health`)).body.targets).toEqual([
      { target: A, weight: 100, health: 'unhealthy', passive: 'unhealthy' },
      { target: B, weight: 50, health: 'unhealthy', passive: 'unhealthy' },
    ]);
  });

  it('reads HEALTHCHECKS_OFF for an upstream without checks, and 404 in Kong’s shape for one it does not know', async () => {
    const a = await backend(false);
    const b = await backend(false);
    const { admin } = await serveProxy(poolConfig(a.port, b.port, ''));
    const off = await getJson(`${admin}/upstreams/pool/health`);
    expect(off.status).toBe(200);
    expect(healthOf(off.body)).toEqual({ [`127.0.0.1:${a.port}`]: 'HEALTHCHECKS_OFF', [`127.0.0.1:${b.port}`]: 'HEALTHCHECKS_OFF' });
    expect((await getJson(`${admin}/upstreams/pool/health?balancer_health=1`)).body).toEqual({ data: { health: 'HEALTHCHECKS_OFF', id: null }, next: null, node_id: null });

    expect(await getJson(`${admin}/upstreams/nope/health`)).toEqual({ status: 404, body: { message: 'Not found' } });
    // A service's own host is no upstream: Kong has no upstream by that name either.
    expect(await getJson(`${admin}/upstreams/127.0.0.1/health`)).toEqual({ status: 404, body: { message: 'Not found' } });
    const post = await request(`${admin}/upstreams/pool/health`, { method: 'POST' });
    expect(post.statusCode).toBe(405);
    expect(await post.body.json()).toEqual({ message: 'Method not allowed' });

    expect((await getJson(`${admin}/services/plain/health`)).body.targets).toEqual([{ target: `127.0.0.1:${a.port}`, weight: 100, health: 'off' }]);
    const missing = await getJson(`${admin}/services/nope/health`);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('services: orders, plain');
  });
});
