/**
 * `gatelab serve` runs from an esbuild bundle (engine/cli/serve-bundle.mjs). The same session of
 * requests against serve from source (GATELAB_SERVE=source, through tsx) and from the bundle
 * (GATELAB_SERVE=bundle, which fails instead of falling back) must give the same statuses, headers,
 * upstream requests and access-log lines, and the same usage errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from '../../engine/runtimes/proxy/verify/redis-server.ts';
import { startEchoUpstream } from '../support/echo-upstream.ts';
import { ROOT } from '../support/cli.ts';
import { SERVE_BUNDLE_DIR } from '../../engine/cli/serve-bundle.mjs';
import { startServeWith } from './serve-env.ts';
import { ordersServiceConfig } from '../support/kong-config.ts';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const config = (upstreamPort: number): string =>
  ordersServiceConfig(
    upstreamPort,
    `      - name: key-auth
        config: { key_names: [apikey] }
      - name: rate-limiting
        config: { year: 3, policy: local } # a window no test run straddles
      - name: request-transformer
        config: { add: { headers: ["x-added:yes"] } }
`,
    `consumers:
  - username: alice
    keyauth_credentials:
      - key: k-alice
`,
  );

/** Headers that differ between any two runs (time, measured latency, the ports of this run). */
const VARYING = new Set(['date', 'x-kong-proxy-latency', 'x-kong-upstream-latency', 'x-kong-response-latency', 'x-kong-request-id', 'x-ratelimit-reset', 'ratelimit-reset', 'retry-after']);

async function session(mode: 'source' | 'bundle') {
  const upstream = await startEchoUpstream();
  cleanup.push(() => upstream.close());
  const file = join(mkdtempSync(join(tmpdir(), `gatelab-bundle-${mode}-`)), 'kong.yaml');
  writeFileSync(file, config(upstream.port));
  const port = await freePort();
  const admin = await freePort();
  const serve = await startServeWith({ GATELAB_SERVE: mode }, ['--config', file, '--listen', `127.0.0.1:${port}`, '--admin', `127.0.0.1:${admin}`]);
  cleanup.push(() => serve.stop());
  const ports = (s: string) => s.split(String(port)).join('PORT').split(String(upstream.port)).join('UPSTREAM');
  const answers: unknown[] = [];
  const send = async (path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const r = await request(`http://127.0.0.1:${port}${path}`, { method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body });
    const headers = Object.entries(r.headers).filter(([n]) => !VARYING.has(n));
    answers.push({ status: r.statusCode, headers, body: ports(await r.body.text()) });
  };
  await send('/api/v1/orders/1');
  await send('/api/v1/orders/1?apikey=k-alice');
  await send('/api/v1/orders/2', { headers: { apikey: 'k-alice' } });
  await send('/api/v1/orders', { method: 'POST', headers: { apikey: 'k-alice', 'content-type': 'application/json' }, body: '{"n":1}' });
  await send('/api/v1/orders/3', { headers: { apikey: 'k-alice' } });
  await send('/nowhere', { headers: { apikey: 'k-alice' } });
  await new Promise((r) => setTimeout(r, 200));
  // The log's time and durations differ run to run; everything else must not.
  const log = serve
    .stdout()
    .trim()
    .split('\n')
    .map((l) => ports(l).replace(/\[\d\d\/\w{3}\/\d{4}:[\d:]+ \+0000\]/, '[TIME]').replace(/\b\d+\.\d{3}\b/g, 'SECS'));
  const received = upstream.received.map((x) => ({ method: x.method, url: x.url, rawHeaders: ports(x.rawHeaders.join('\n')) }));
  return { answers, log, received };
}

describe('gatelab serve from its bundle', () => {
  it('answers, forwards and logs exactly as serve from source', async () => {
    const fromSource = await session('source');
    const fromBundle = await session('bundle');
    expect(fromSource.answers.map((a) => (a as { status: number }).status)).toEqual([401, 200, 200, 200, 429, 404]);
    expect(fromBundle.answers).toEqual(fromSource.answers);
    expect(fromBundle.received).toEqual(fromSource.received);
    expect(fromBundle.log).toEqual(fromSource.log);
    expect(fromBundle.log).toHaveLength(6);
    const manifest = JSON.parse(readFileSync(join(SERVE_BUNDLE_DIR, 'serve-manifest.json'), 'utf8')) as { bundle: string; inputs: string[] };
    expect(manifest.inputs).toContain('engine/runtimes/proxy/proxy-server.ts');
  }, 90_000);

  it('reports usage errors the same way', () => {
    const run = (mode: string) => spawnSync(process.execPath, [join(ROOT, 'engine/cli/bin.mjs'), 'serve', '--config', 'x.yaml', '--log', 'xml'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, GATELAB_SERVE: mode }, timeout: 60_000 });
    const source = run('source');
    const bundle = run('bundle');
    expect(source.status).toBe(2);
    expect(bundle.status).toBe(source.status);
    expect(bundle.stderr).toBe(source.stderr);
    expect(bundle.stderr).toContain('--log must be nginx or json');
  }, 90_000);
});
