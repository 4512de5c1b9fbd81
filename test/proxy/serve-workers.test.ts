/**
 * `gatelab serve --workers 2` (node:cluster): both workers serve the shared port, the primary's admin
 * listener answers /healthz and /readyz and says why the per-worker endpoints are absent, and SIGTERM
 * drains every worker and leaves no process behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { freePort } from '../../engine/runtimes/proxy/verify/redis-server.ts';
import { ordersConfig } from '../support/kong-config.ts';
import { gatelab } from '../support/cli.ts';
import { serveOrders } from '../support/serve-orders.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Child PIDs of a process, from /proc (the cluster's workers). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) if (c) out.push(Number(c));
  }
  return out;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('gatelab serve --workers', () => {
  it('serves from two workers on one port and stops them all on SIGTERM', { timeout: 120_000 }, async () => {
    const { upstream, serve, base, admin } = await serveOrders({ minute: 1000, cleanup, args: ['--workers', '2'], startTimeoutMs: 60_000 });
    expect(serve.stderr()).toContain('(2 workers)');
    const workers = childrenOf(serve.child.pid as number).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('serve'));
    expect(workers).toHaveLength(2);

    // A fresh connection per request: the primary hands connections to workers in turn.
    const statuses: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const dispatcher = new Agent({ pipelining: 0 });
      const r = await request(`${base}/api/v1/orders/${i}`, { dispatcher });
      await r.body.dump();
      await dispatcher.close();
      statuses.push(r.statusCode);
      ids.push(String(r.headers['x-kong-request-id']));
    }
    expect(statuses).toEqual(Array(8).fill(200));
    expect(upstream.received).toHaveLength(8);
    // Each worker numbers its own requests from 1 (`x-kong-request-id: req-N`): two req-1s, two workers.
    expect(ids.filter((id) => id === 'req-1')).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(serve.stdout().trim().split('\n')).toHaveLength(8);

    expect((await request(`${admin}/healthz`)).statusCode).toBe(200);
    expect((await request(`${admin}/readyz`)).statusCode).toBe(200);
    const metrics = await request(`${admin}/metrics`);
    expect(metrics.statusCode).toBe(404);
    expect(await metrics.body.text()).toContain('per worker');
    // Health checks run in each worker, each with its own state: the primary has no one state to
    // report, so /upstreams/{upstream}/health is refused with the reason, as /metrics is.
    const health = await request(`${admin}/upstreams/orders/health`);
    expect(health.statusCode).toBe(404);
    expect(await health.body.text()).toContain('per worker');

    expect(await serve.stop()).toBe(0);
    expect(serve.stderr()).toContain('gatelab serve: stopped');
    expect(workers.filter(isAlive)).toEqual([]);
  });

  it('exits 2 with the reason when the port is taken, leaving no worker behind', { timeout: 120_000 }, async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => taken.close(resolve)));
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-workers-'));
    const config = join(dir, 'kong.yaml');
    writeFileSync(config, ordersConfig(9));
    const port = (taken.address() as AddressInfo).port;
    const result = gatelab(['serve', '--config', config, '--listen', `127.0.0.1:${port}`, '--admin', `127.0.0.1:${await freePort()}`, '--workers', '2']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`--listen 127.0.0.1:${port}: the address is in use`);
  });

  it('refuses a worker count out of range with a usage error', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatelab-workers-'));
    const config = join(dir, 'kong.yaml');
    writeFileSync(config, ordersConfig(9));
    const result = gatelab(['serve', '--config', config, '--workers', '0']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("--workers takes a whole number from 1 to 64, not '0'");
  });
});
