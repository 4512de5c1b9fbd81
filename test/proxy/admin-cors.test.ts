/**
 * The lab attaches to a running `gatelab serve` from its own origin: the admin listener's `/trace`
 * (Server-Sent Events) and `/config` must be readable cross-origin, and a preflight must succeed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { serveOrders } from '../support/serve-orders.ts';
import { readTraceStream } from '../support/trace-stream.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const setup = (): ReturnType<typeof serveOrders> => serveOrders({ minute: 5, cleanup });

describe('admin listener CORS', () => {
  it('streams /trace to another origin, with the requests sent through the proxy', async () => {
    const { base, admin } = await setup();
    await (await request(`${base}/api/v1/orders/9`)).body.dump();
    const controller = new AbortController();
    const res = await request(`${admin}/trace`, { headers: { origin: 'http://127.0.0.1:4173' }, signal: controller.signal });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['content-type']).toContain('text/event-stream');
    // A second request after attaching arrives live, after the recent ones.
    await (await request(`${base}/api/v1/orders/10`)).body.dump();
    const events = await readTraceStream(res.body, (seen) => seen.filter((e) => e.type === 'request.end').length >= 2);
    controller.abort();
    const ends = events.filter((e) => e.type === 'request.end');
    expect(ends).toHaveLength(2);
    expect(events.some((e) => e.type === 'request.start')).toBe(true);
  });

  it('answers a preflight with 204 and reads /config cross-origin; other endpoints stay as they were', async () => {
    const { admin } = await setup();
    const pre = await request(`${admin}/trace`, { method: 'OPTIONS', headers: { origin: 'http://x.test', 'access-control-request-method': 'GET' } });
    await pre.body.dump();
    expect(pre.statusCode).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    const config = await request(`${admin}/config`, { headers: { origin: 'http://x.test' } });
    expect(config.headers['access-control-allow-origin']).toBe('*');
    expect(((await config.body.json()) as { routes: unknown[] }).routes.length).toBeGreaterThan(0);
    const health = await request(`${admin}/healthz`);
    await health.body.dump();
    expect(health.headers['access-control-allow-origin']).toBeUndefined();
  });
});
