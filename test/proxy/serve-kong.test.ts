/**
 * The proxy host on real loopback sockets with a Kong config: rate-limit headers, Kong's 429 body,
 * strip_path, upstream failures, and agreement with what `explain` predicts (semantics §1, §6).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { explainRequest } from '../../engine/runtimes/sim/explain.ts';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.ts';
import { kongIr, ordersConfig } from '../support/kong-config.ts';

/** Puts the proxy's clock at 12:00:05 of a fixed day, so a minute window cannot roll over mid-test. */
const FIXED_START = Date.parse('2026-01-01T12:00:05Z');

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(upstream: EchoUpstream, minute = 3) {
  const ir = kongIr(ordersConfig(upstream.port, minute));
  const offset = FIXED_START - Date.now();
  const proxy: ProxyServer = new ProxyServer({ ir, port: 0, store: localStore(() => proxy.now()), clockOffsetMs: offset });
  const address = await proxy.start();
  cleanup.push(() => proxy.drain(1000));
  return { ir, proxy, base: `http://127.0.0.1:${address.port}` };
}

describe('gatelab serve with a Kong config (real sockets)', () => {
  it('§6 strips the route prefix and §1 counts down X-RateLimit-Remaining-Minute, then answers 429', async () => {
    const upstream = await startEchoUpstream();
    cleanup.push(() => upstream.close());
    const { base } = await setup(upstream);
    const statuses: number[] = [];
    const remaining: Array<string | undefined> = [];
    let last: { statusCode: number; headers: Record<string, unknown>; body: string } | undefined;
    for (let i = 0; i < 4; i++) {
      const res = await request(`${base}/api/v1/orders/123`, { headers: { host: 'api.example.com' } });
      const body = await res.body.text();
      statuses.push(res.statusCode);
      remaining.push(res.headers['x-ratelimit-remaining-minute'] as string | undefined);
      last = { statusCode: res.statusCode, headers: res.headers as Record<string, unknown>, body };
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(remaining).toEqual(['2', '1', '0', '0']);
    expect(upstream.received.map((r) => r.url)).toEqual(['/123', '/123', '/123']);
    expect(JSON.parse(last!.body)).toMatchObject({ message: 'API rate limit exceeded' });
    expect(last!.headers['retry-after']).toBe('55');
    expect(last!.headers['ratelimit-reset']).toBe('55');
  });

  it('agrees with explain on the 4th request: same status, decisions and upstream path', async () => {
    const upstream = await startEchoUpstream();
    cleanup.push(() => upstream.close());
    const { base, ir } = await setup(upstream);
    for (let i = 0; i < 3; i++) await (await request(`${base}/api/v1/orders/7?x=1`)).body.text();
    const real = await request(`${base}/api/v1/orders/7?x=1`);
    await real.body.text();
    const predicted = await explainRequest(ir, {
      method: 'GET',
      url: 'http://127.0.0.1/api/v1/orders/7?x=1',
      headers: [],
      clientIp: '127.0.0.1',
      now: FIXED_START,
      seed: 1,
      repeat: 3,
      upstreamStatus: 200,
      upstreamHeaders: [],
    });
    expect(real.statusCode).toBe(predicted.status);
    expect(predicted.decisions.filter((d) => d.phase === 'access').map((d) => `${d.plugin}:${d.verdict}`)).toEqual([
      'router:next',
      'rate-limit:reply',
    ]);
    const first = await explainRequest(ir, {
      method: 'GET',
      url: 'http://127.0.0.1/api/v1/orders/7?x=1',
      headers: [],
      clientIp: '127.0.0.1',
      now: FIXED_START,
      seed: 1,
      repeat: 0,
      upstreamStatus: 200,
      upstreamHeaders: [],
    });
    expect(first.upstream?.path).toBe(upstream.received[0]!.url);
  });

  it('answers 502 with Kong\'s body when the upstream refuses connections, and keeps serving', async () => {
    const upstream = await startEchoUpstream();
    const port = upstream.port;
    await upstream.close();
    const ir = kongIr(ordersConfig(port, 100));
    const proxy = new ProxyServer({ ir, port: 0, store: localStore(() => Date.now()) });
    const address = await proxy.start();
    cleanup.push(() => proxy.drain(1000));
    // Kong's error handler (kong/error_handlers.lua, semantics §1): no Accept and no Content-Type means
    // kong.conf's error_default_type, text/plain; an Accept of JSON gets Kong's JSON template.
    const plain = await request(`http://127.0.0.1:${address.port}/api/v1/orders/1`);
    expect(plain.statusCode).toBe(502);
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(await plain.body.text()).toMatch(/^An invalid response was received from the upstream server\nrequest_id: \S+\n$/);
    const json = await request(`http://127.0.0.1:${address.port}/api/v1/orders/1`, { headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(502);
    expect(JSON.parse(await json.body.text())).toMatchObject({ message: 'An invalid response was received from the upstream server' });
  });

  it('answers 404 with Kong\'s body when no route matches', async () => {
    const upstream = await startEchoUpstream();
    cleanup.push(() => upstream.close());
    const { base } = await setup(upstream);
    const res = await request(`${base}/nowhere`);
    expect(res.statusCode).toBe(404);
    expect(JSON.parse(await res.body.text())).toMatchObject({ message: 'no Route matched with those values' });
    expect(upstream.received).toHaveLength(0);
  });
});
