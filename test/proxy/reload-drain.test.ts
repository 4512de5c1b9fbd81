/** Reload under load and SIGTERM-style drain lose no request (issue 5's "done when"). */
import { afterEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { startEchoUpstream } from '../support/echo-upstream.ts';
import { kongIr, ordersConfig } from '../support/kong-config.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('proxy lifecycle', () => {
  it('a reload in the middle of 300 concurrent requests loses none of them', async () => {
    const upstream = await startEchoUpstream({ delayMs: 20 });
    cleanup.push(() => upstream.close());
    const ir = kongIr(ordersConfig(upstream.port, 100_000));
    const proxy = new ProxyServer({ ir, port: 0, store: localStore(() => Date.now()) });
    const { port } = await proxy.start();
    cleanup.push(() => proxy.drain(2000));
    const agent = new Agent({ connections: 50 });
    cleanup.push(() => agent.close());
    const sends = Array.from({ length: 300 }, (_, i) =>
      request(`http://127.0.0.1:${port}/api/v1/orders/${i}`, { dispatcher: agent }).then(async (r) => {
        await r.body.text();
        return r.statusCode;
      }),
    );
    await new Promise((r) => setTimeout(r, 30));
    proxy.reload(kongIr(ordersConfig(upstream.port, 100_000)));
    const statuses = await Promise.all(sends);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(upstream.received).toHaveLength(300);
  });

  it('drain finishes in-flight requests, then refuses new connections', async () => {
    const upstream = await startEchoUpstream({ delayMs: 300 });
    cleanup.push(() => upstream.close());
    const proxy = new ProxyServer({ ir: kongIr(ordersConfig(upstream.port, 100)), port: 0, store: localStore(() => Date.now()) });
    const { port } = await proxy.start();
    const inflight = Array.from({ length: 5 }, () =>
      request(`http://127.0.0.1:${port}/api/v1/orders/1`).then(async (r) => {
        await r.body.text();
        return r.statusCode;
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    const drained = proxy.drain(5000);
    expect(proxy.ready).toBe(false);
    expect(await Promise.all(inflight)).toEqual([200, 200, 200, 200, 200]);
    expect((await drained).dropped).toBe(0);
    await expect(request(`http://127.0.0.1:${port}/api/v1/orders/1`)).rejects.toThrow();
  });
});
