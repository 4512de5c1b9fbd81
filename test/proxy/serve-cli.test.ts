/**
 * `gatelab serve` as a process (issue 5): rate-limit headers and 429s through a real listener, the
 * access log in ingress-nginx's upstreaminfo format on stdout, the admin endpoints, reload on a
 * changed config file and on SIGHUP, and a SIGTERM drain that loses no in-flight request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from '../../engine/runtimes/proxy/verify/redis-server.ts';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.ts';
import { ordersConfig } from '../support/kong-config.ts';
import { startServe, type ServeProcess } from '../support/serve-process.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(opts: { delayMs?: number; minute?: number } = {}) {
  const upstream: EchoUpstream = await startEchoUpstream({ delayMs: opts.delayMs ?? 0 });
  cleanup.push(() => upstream.close());
  const dir = mkdtempSync(join(tmpdir(), 'gatelab-serve-'));
  const config = join(dir, 'kong.yaml');
  writeFileSync(config, ordersConfig(upstream.port, opts.minute ?? 2));
  const port = await freePort();
  const admin = await freePort();
  const serve: ServeProcess = await startServe(['--config', config, '--listen', `127.0.0.1:${port}`, '--admin', `127.0.0.1:${admin}`]);
  cleanup.push(() => serve.stop());
  return { upstream, config, serve, base: `http://127.0.0.1:${port}`, admin: `http://127.0.0.1:${admin}` };
}

const UPSTREAMINFO =
  /^127\.0\.0\.1 - - \[\d{2}\/\w{3}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "GET \/api\/v1\/orders\/9 HTTP\/1\.1" (\d{3}) \d+ "-" "[^"]*" \d+ \d+\.\d{3} \[([^\]]*)\] \[\] (\S+) (\S+) (\S+) (\S+) (\S+)$/;

describe('gatelab serve (a real process)', () => {
  it('proxies with rate-limit headers and 429s, and logs each request in upstreaminfo format', async () => {
    const { base, serve, upstream } = await setup();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await request(`${base}/api/v1/orders/9`);
      await r.body.dump();
      statuses.push(r.statusCode);
      if (i === 0) expect(r.headers['x-ratelimit-remaining-minute']).toBe('1');
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(upstream.received.map((x) => x.url)).toEqual(['/9', '/9']);
    await new Promise((r) => setTimeout(r, 200));
    const lines = serve.stdout().trim().split('\n');
    expect(lines).toHaveLength(3);
    const first = UPSTREAMINFO.exec(lines[0]!);
    expect(first, lines[0]).not.toBeNull();
    expect(first![1]).toBe('200');
    expect(first![2]).toBe('orders-api');
    expect(first![3]).toBe(`127.0.0.1:${upstream.port}`);
    expect(first![6]).toBe('200');
    const rejected = UPSTREAMINFO.exec(lines[2]!);
    expect(rejected![1]).toBe('429');
    // A request the gateway answered itself never reached an upstream: nginx logs "-" there.
    expect(rejected![3]).toBe('-');
  });

  it('serves /healthz, /readyz, /config and Prometheus /metrics on the admin listener', async () => {
    const { base, admin } = await setup();
    await (await request(`${base}/api/v1/orders/9`)).body.dump();
    expect((await request(`${admin}/healthz`)).statusCode).toBe(200);
    expect((await request(`${admin}/readyz`)).statusCode).toBe(200);
    const config = await (await request(`${admin}/config`)).body.json();
    expect((config as { routes: Array<{ name: string }> }).routes[0]!.name).toBe('orders-route');
    const metrics = await request(`${admin}/metrics`);
    expect(metrics.headers['content-type']).toContain('version=0.0.4');
    const text = await metrics.body.text();
    expect(text).toContain('gatelab_http_requests_total{service="orders-api",route="orders-route",code="200",source="service"} 1');
  });

  it('reloads when the config file changes and on SIGHUP, keeping the old config on errors', async () => {
    const { base, serve, config, upstream } = await setup({ minute: 1 });
    await (await request(`${base}/api/v1/orders/9`)).body.dump();
    expect((await request(`${base}/api/v1/orders/9`)).statusCode).toBe(429);
    writeFileSync(config, ordersConfig(upstream.port, 50));
    await serve.waitForStderr('config reloaded');
    const after = await request(`${base}/api/v1/orders/9`);
    await after.body.dump();
    expect(after.headers['x-ratelimit-limit-minute']).toBe('50');
    writeFileSync(config, 'services: [ {');
    await serve.waitForStderr('keeping the running one');
    const still = await request(`${base}/api/v1/orders/9`);
    await still.body.dump();
    expect(still.headers['x-ratelimit-limit-minute']).toBe('50');
    writeFileSync(config, ordersConfig(upstream.port, 70));
    const before = serve.stderr().split('config reloaded').length;
    serve.child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (serve.stderr().split('config reloaded').length <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const hup = await request(`${base}/api/v1/orders/9`);
    await hup.body.dump();
    expect(hup.headers['x-ratelimit-limit-minute']).toBe('70');
  });

  it('SIGTERM drains: an in-flight slow request completes, then the process exits 0', async () => {
    const { base, serve } = await setup({ delayMs: 600, minute: 100 });
    const slow = request(`${base}/api/v1/orders/9`).then(async (r) => {
      await r.body.dump();
      return r.statusCode;
    });
    await new Promise((r) => setTimeout(r, 150));
    serve.child.kill('SIGTERM');
    expect(await slow).toBe(200);
    expect(await serve.exited).toBe(0);
    expect(serve.stderr()).toContain('draining');
  });
  it('serves a native IR config with --format ir (its services and routes alone would read as Kong)', async () => {
    const upstream: EchoUpstream = await startEchoUpstream({ delayMs: 0 });
    cleanup.push(() => upstream.close());
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-serve-ir-'));
    const config = join(dir, 'native.yaml');
    writeFileSync(
      config,
      `services:\n  - name: orders\n    protocol: http\n    targets: [{ target: "127.0.0.1:${upstream.port}" }]\nroutes:\n  - { name: orders, service: orders, paths: [/orders] }\n`,
    );
    const port = await freePort();
    const admin = await freePort();
    const serve: ServeProcess = await startServe(['--config', config, '--format', 'ir', '--listen', `127.0.0.1:${port}`, '--admin', `127.0.0.1:${admin}`]);
    cleanup.push(() => serve.stop());
    const r = await request(`http://127.0.0.1:${port}/orders/7`);
    await r.body.dump();
    expect(r.statusCode).toBe(200);
    // Native routes follow Kong's rules, strip_path true by default: the matched prefix goes.
    expect(upstream.received.map((x) => x.url)).toEqual(['/7']);
  });
});
