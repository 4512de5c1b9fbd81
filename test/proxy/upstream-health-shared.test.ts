/**
 * The admin listener's health endpoints when two Kong services name one upstream, on real sockets.
 * Kong keeps one balancer and one health checker per upstream (kong/runloop/balancer/balancers.lua
 * get_balancer: balancers_by_id[upstream.id]; healthcheckers.lua create_healthchecker), and its
 * `GET /upstreams/{upstream}/health` reads that one state (healthcheckers.lua get_upstream_health by
 * upstream id). So a target taken out by failures seen through service `orders` reads UNHEALTHY for
 * the upstream, and gatelab's `GET /services/billing/health` reports the same upstream's state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { startAdmin } from '../../engine/runtimes/proxy/admin-server.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { kongIr } from '../support/kong-config.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A backend on 127.0.0.1 answering `status` to everything. */
async function backend(status: number): Promise<number> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'text/plain' }).end('x'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await request(url);
  return { status: res.statusCode, body: await res.body.json() };
}

const healthOf = (body: { data: Array<{ target: string; health: string }> }): Record<string, string> => Object.fromEntries(body.data.map((t) => [t.target, t.health]));

describe('health endpoints over an upstream two Kong services share', () => {
  it("a target that failed through orders reads UNHEALTHY for the upstream and for billing's service view", async () => {
    const good = await backend(200);
    const bad = await backend(500);
    const ir = kongIr(`_format_version: "3.0"
upstreams:
  - name: pool
    healthchecks: {passive: {unhealthy: {http_failures: 1}}}
    targets: [{target: "127.0.0.1:${good}"}, {target: "127.0.0.1:${bad}"}]
services:
  - {name: orders, host: pool, routes: [{name: orders, paths: [/orders]}]}
  - {name: billing, host: pool, routes: [{name: billing, paths: [/billing]}]}
`);
    const proxy = new ProxyServer({ ir, port: 0, store: localStore(() => Date.now()) });
    await proxy.start();
    const adminServer = await startAdmin(proxy, '127.0.0.1', 0);
    cleanup.push(async () => {
      await new Promise((r) => adminServer.server.close(r));
      await proxy.drain(1000);
    });
    const admin = `http://127.0.0.1:${adminServer.address.port}`;
    const G = `127.0.0.1:${good}`;
    const B = `127.0.0.1:${bad}`;

    // Round robin over two targets: two requests through orders reach the failing one once.
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await request(`http://127.0.0.1:${proxy.port}/orders/${i}`);
      await res.body.dump();
      statuses.push(res.statusCode);
    }
    expect(statuses.sort()).toEqual([200, 500]);

    expect(healthOf((await getJson(`${admin}/upstreams/pool/health`)).body)).toEqual({ [G]: 'HEALTHY', [B]: 'UNHEALTHY' });
    const billing = await getJson(`${admin}/services/billing/health`);
    expect(billing).toEqual({
      status: 200,
      body: {
        service: 'billing',
        dialect: 'kong',
        checks: { passive: 'kong', active: false },
        sharedWith: { upstream: 'pool', services: ['orders', 'billing'] },
        targets: [
          { target: G, weight: 100, health: 'healthy', passive: 'healthy' },
          { target: B, weight: 100, health: 'unhealthy', passive: 'unhealthy' },
        ],
      },
    });
    expect((await getJson(`${admin}/services/orders/health`)).body.targets).toEqual(billing.body.targets);

    // And billing's traffic goes to the healthy target only, though billing itself never saw the 500.
    for (let i = 0; i < 3; i++) {
      const res = await request(`http://127.0.0.1:${proxy.port}/billing/${i}`);
      await res.body.dump();
      expect(res.statusCode).toBe(200);
    }
  });
});
