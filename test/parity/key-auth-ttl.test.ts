/**
 * key-auth credential `ttl` (semantics §6) on both hosts: one config, a key with `ttl: 1` and one
 * without, loaded at the run's start. Kong (DB-less, Kong/kong#11464) makes the expiry the load's
 * whole second + ttl and keeps the credential only while `expiry - ngx.time() > 0`
 * (kong/db/strategies/off/init.lua process_ttl_field): valid at +0.5 s, gone at +1 s and after, and
 * then answered as an unknown key (kong/plugins/key-auth/handler.lua load_credential).
 *
 * The simulation runs a scenario on its virtual clock; the proxy answers on real 127.0.0.1 sockets
 * with its clock injected and stepped to the same instants, so the test is exact and never sleeps
 * (a real 1 s ttl counted from a load late in a second can leave a key only a few ms of life).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadGateway } from '../../engine/config/load-gateway.ts';
import { parseYaml } from '../../engine/config/yaml-source.ts';
import type { GatewayIR } from '../../engine/config/ir.ts';
import { ProxyServer } from '../../engine/runtimes/proxy/proxy-server.ts';
import { localStore } from '../../engine/runtimes/proxy/stores.ts';
import { runVariant } from '../../engine/runtimes/sim/run-scenario.ts';
import { loadScenarioText } from '../../engine/scenario/load.ts';
import type { PluginDecisionEvent, RequestEndEvent, RequestStartEvent } from '../../engine/trace/events.ts';
import { startEchoUpstream, type EchoUpstream } from '../support/echo-upstream.ts';

const START = Date.parse('2026-01-01T12:00:00Z');

const config = (url: string): string => `_format_version: "3.0"
services:
  - name: app
    url: ${url}
    routes:
      - name: app-route
        paths: ["/"]
        plugins:
          - name: key-auth
consumers:
  - username: short-lived
    keyauth_credentials: [{ key: short-key, ttl: 1 }]
  - username: forever
    keyauth_credentials: [{ key: forever-key }]
`;

/** [ms after the load, key, status, consumer the backend is told of]. */
const CASES: Array<[number, string, number, string | undefined]> = [
  [500, 'short-key', 200, 'short-lived'],
  [1000, 'short-key', 401, undefined],
  [1500, 'short-key', 401, undefined],
  [1500, 'forever-key', 200, 'forever'],
  [1500, 'no-such-key', 401, undefined],
];

const EXPIRED_REASON = "key shor… from header apikey was consumer short-lived's credential, which expired at 2026-01-01T12:00:01.000Z after ttl 1 s";

function scenarioText(): string {
  const clients = CASES.map(([at, key], i) => `  - id: c${i}
    ip: 127.0.0.1
    request: { url: http://api.example.com/orders, headers: { apikey: ${key} } }
    traffic:
      - at: [${at}ms]`).join('\n');
  return `id: key-auth-ttl-parity
title: key-auth ttl parity
topic: auth
summary: One key with ttl 1 s and one without, asked before, at and after the expiry second.
start: 2026-01-01T12:00:00Z
seed: 1
duration: 3s
gateway:
  files: [ttl.yaml]
clients:
${clients}
backends:
  - name: app
    latency: { uniform: [1ms, 2ms] }
`;
}

let upstream: EchoUpstream | undefined;
beforeAll(async () => {
  upstream = await startEchoUpstream();
});
afterAll(async () => {
  await upstream?.close();
});

describe('key-auth ttl: simulation and real sockets agree (semantics §6)', () => {
  it('§6 simulation host: valid before the expiry second, the unknown key\'s 401 at and after it', async () => {
    const loaded = loadScenarioText(scenarioText(), 'ttl-parity.yaml', (p) => (p.endsWith('ttl.yaml') ? config('http://app:8080') : ''));
    if (!loaded.scenario) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
    const run = await runVariant(loaded.scenario, 'base', { level: 'full' });
    expect(run.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const starts = run.events.filter((e): e is RequestStartEvent => e.type === 'request.start');
    const ends = run.events.filter((e): e is RequestEndEvent => e.type === 'request.end');
    const decisions = run.events.filter((e): e is PluginDecisionEvent => e.type === 'plugin.decision' && e.plugin === 'key-auth');
    const got = CASES.map((_, i) => {
      const req = starts.find((s) => s.client === `c${i}`)?.req;
      const decision = decisions.find((d) => d.req === req);
      return [ends.find((e) => e.req === req)?.status, decision?.verdict === 'next' ? decision.data?.['consumer'] : undefined];
    });
    expect(got).toEqual(CASES.map((c) => [c[2], c[3]]));
    const expired = decisions.find((d) => d.req === starts.find((s) => s.client === 'c1')?.req);
    expect(expired?.reason).toContain(EXPIRED_REASON);
  });

  it('§6 proxy host on 127.0.0.1: the same answers at the same instants of its clock', async () => {
    const echo = upstream as EchoUpstream;
    let clock = START;
    const ir: GatewayIR | undefined = loadGateway({ sources: [{ file: 'ttl.yaml', docs: parseYaml(config(`http://127.0.0.1:${echo.port}`), 'ttl.yaml').docs }], overlays: [] }).ir;
    if (!ir) throw new Error('config did not load');
    const proxy = new ProxyServer({ ir, port: 0, store: localStore(() => clock), now: () => clock });
    await proxy.start();
    try {
      const got = [];
      for (const [at, key] of CASES) {
        clock = START + at;
        const reached = echo.received.length;
        const res = await request(`http://127.0.0.1:${proxy.port}/orders`, { headers: { host: 'api.example.com', apikey: key } });
        const body = await res.body.text();
        const seen = echo.received.length > reached ? echo.received[reached] : undefined;
        got.push([res.statusCode, seen?.headers['x-consumer-username']]);
        if (res.statusCode === 401) expect(JSON.parse(body)).toMatchObject({ message: 'Unauthorized' });
      }
      expect(got).toEqual(CASES.map((c) => [c[2], c[3]]));
    } finally {
      await proxy.drain(1000);
    }
  });

  it('§6 a reload on the proxy restarts the ttl, as Kong re-stamps a re-applied declarative config', async () => {
    const echo = upstream as EchoUpstream;
    let clock = START;
    const ir = loadGateway({ sources: [{ file: 'ttl.yaml', docs: parseYaml(config(`http://127.0.0.1:${echo.port}`), 'ttl.yaml').docs }], overlays: [] }).ir as GatewayIR;
    const proxy = new ProxyServer({ ir, port: 0, store: localStore(() => clock), now: () => clock });
    await proxy.start();
    const ask = async () => {
      const res = await request(`http://127.0.0.1:${proxy.port}/orders`, { headers: { host: 'api.example.com', apikey: 'short-key' } });
      await res.body.text();
      return res.statusCode;
    };
    try {
      clock = START + 1500;
      expect(await ask()).toBe(401);
      proxy.reload(ir);
      clock = START + 1900;
      expect(await ask()).toBe(200);
      clock = START + 2000;
      expect(await ask()).toBe(401);
    } finally {
      await proxy.drain(1000);
    }
  });
});
