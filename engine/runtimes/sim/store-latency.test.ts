/**
 * The counter store's round trip follows the scenario's `redis` (or `store`) backend (store-latency.ts,
 * docs/capacity.md "Redis round trips"): each realtime policy-redis decision costs the request one
 * declared round trip of gateway time, a sync_rate counter costs nothing between syncs, and without
 * a store backend the round trip stays 1 ms. Set FC_SEED to replay the property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../scenario/load.ts';
import type { BackendSpec, Scenario } from '../../scenario/types.ts';
import type { RequestEndEvent } from '../../trace/events.ts';
import { runVariant } from './run-scenario.ts';
import { DEFAULT_STORE_RTT_MS, sampleStoreRoundTrip, storeLatencyOf } from './store-latency.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] store-latency seed=${seed} (replay: FC_SEED=${seed})`);

/** One rate-limit instance for the IR config (a route has at most one instance of a plugin, as in Kong). */
const rateLimit = (policy: string): string => `      - plugin: rate-limit
        config: { second: 1000000, limit_by: ip, ${policy} }
`;

/** response-ratelimiting with one limit over `periods` periods: one GET each, then one INCRBY. */
const responseRateLimit = (periods: number, policy: string): string => `      - plugin: response-ratelimiting
        config: { limits: { orders: { ${['second: 1000000', 'minute: 100000000', 'hour: 1000000000'].slice(0, periods).join(', ')} } }, limit_by: ip, ${policy} }
`;

function scenarioText(plugins: string, storeBackend: string): string {
  return `id: store-latency
title: t
topic: rate-limiting
summary: s
start: 2026-01-01T12:00:00Z
seed: 5
duration: 4s
network:
  clientToGateway: 1ms
  gatewayToBackend: 2ms
gateway:
  format: ir
  config:
    services: [ { name: api, url: http://api.internal:8080 } ]
    routes: [ { name: r, service: api, paths: [/x] } ]
    plugins:
${plugins}clients:
  - id: app
    ip: 203.0.113.9
    request: { url: http://api.example.com/x }
    traffic: [ { constant: { rate: 20/s } } ]
backends:
  - name: api
    latency: { lognormal: { p50: 10ms, p99: 30ms } }
    headers: { X-Kong-Limit: orders=1 }
${storeBackend}`;
}

function load(text: string): Scenario {
  const r = loadScenarioText(text, 'store-latency.yaml', () => {
    throw new Error('no such file');
  });
  if (!r.scenario) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.scenario;
}

async function ends(text: string): Promise<RequestEndEvent[]> {
  const run = await runVariant(load(text), 'base', { level: 'summary' });
  if (run.diagnostics.some((d) => d.severity === 'error')) throw new Error(run.diagnostics.map((d) => d.message).join('\n'));
  return run.events.filter((e): e is RequestEndEvent => e.type === 'request.end');
}

const redisAt = (latency: string): string => `  - name: redis\n    latency: ${latency}\n`;
const realtime = 'policy: redis, redis: { host: redis }';

describe('which latency the counter store gets', () => {
  const backend = (name: string, ms: number): BackendSpec => ({ name, latency: { kind: 'constant', ms }, errorRate: 0, errorStatus: 500, status: 200, headers: [] });

  it('is the backend named redis, else store, else the 1 ms default', () => {
    expect(storeLatencyOf([backend('api', 9), backend('store', 3), backend('redis', 5)])).toMatchObject({ backend: { name: 'redis' }, model: { ms: 5 } });
    expect(storeLatencyOf([backend('store', 3)])).toMatchObject({ backend: { name: 'store' }, model: { ms: 3 } });
    const none = storeLatencyOf([backend('redis.internal', 7)]);
    expect(none.backend).toBeUndefined();
    expect(sampleStoreRoundTrip(none, () => { throw new Error('a constant needs no draw'); })).toBe(DEFAULT_STORE_RTT_MS);
  });
});

describe('Redis round trips in the simulation', () => {
  it('a Redis at 5 ms makes each realtime rate-limit decision take 5 ms more of gateway time', async () => {
    const local = await ends(scenarioText(rateLimit('policy: local'), redisAt('5ms')));
    const redis = await ends(scenarioText(rateLimit(realtime), redisAt('5ms')));
    expect(redis.length).toBe(local.length);
    expect(redis.length).toBeGreaterThan(70);
    redis.forEach((e, i) => expect(e.gatewayMs - (local[i] as RequestEndEvent).gatewayMs).toBeCloseTo(5, 9));
    // The backend's draws are untouched: upstream time is the same request for request.
    redis.forEach((e, i) => expect(e.upstreamMs).toBeCloseTo((local[i] as RequestEndEvent).upstreamMs as number, 2));
  });

  it('without a redis backend every round trip is the default 1 ms', async () => {
    const local = await ends(scenarioText(rateLimit('policy: local'), ''));
    const redis = await ends(scenarioText(rateLimit(realtime), ''));
    redis.forEach((e, i) => expect(e.gatewayMs - (local[i] as RequestEndEvent).gatewayMs).toBeCloseTo(DEFAULT_STORE_RTT_MS, 9));
  });

  it('a sync_rate counter does not wait: only the request that carries a read or a sync pays the round trip', async () => {
    const local = await ends(scenarioText(rateLimit('policy: local'), redisAt('5ms')));
    const synced = await ends(scenarioText(rateLimit(`${realtime}, sync_rate: 1`), redisAt('5ms')));
    const extra = synced.map((e, i) => e.gatewayMs - (local[i] as RequestEndEvent).gatewayMs);
    const waited = extra.filter((ms) => ms > 1e-9);
    // 4 s at a 1 s sync: the first read and a sync each second, never one round trip per request.
    expect(waited.length).toBeGreaterThanOrEqual(1);
    expect(waited.length).toBeLessThanOrEqual(5);
    for (const ms of waited) expect(ms).toBeCloseTo(5, 9);
    expect(extra.filter((ms) => Math.abs(ms) <= 1e-9).length).toBe(synced.length - waited.length);
  });

  it('a random Redis latency is drawn per round trip from its own stream and moves no other draw', async () => {
    const constant = await ends(scenarioText(rateLimit(realtime), redisAt('1ms')));
    const random = await ends(scenarioText(rateLimit(realtime), redisAt('{ uniform: [1ms, 9ms] }')));
    const extra = random.map((e, i) => e.gatewayMs - (constant[i] as RequestEndEvent).gatewayMs + 1);
    for (const ms of extra) expect(ms).toBeGreaterThanOrEqual(1 - 1e-9), expect(ms).toBeLessThanOrEqual(9 + 1e-9);
    expect(new Set(extra.map((ms) => ms.toFixed(6))).size).toBeGreaterThan(10);
    random.forEach((e, i) => expect(e.upstreamMs).toBeCloseTo((constant[i] as RequestEndEvent).upstreamMs as number, 2));
  });

  it('property: every store round trip on a request\'s path adds L ms of gateway time, for any L and plugin mix', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 40 }), fc.constantFrom('redis', 'store'), async (periods, latencyMs, name) => {
        const store = `  - name: ${name}\n    latency: ${latencyMs}ms\n`;
        const local = await ends(scenarioText(rateLimit('policy: local') + responseRateLimit(periods, 'policy: local'), store));
        const redis = await ends(scenarioText(rateLimit(realtime) + responseRateLimit(periods, realtime), store));
        expect(redis.length).toBe(local.length);
        // rate-limit: one pipelined INCR; response-ratelimiting: a GET per period, then its INCRBY.
        const roundTrips = 1 + periods + 1;
        redis.forEach((e, i) => expect(e.gatewayMs - (local[i] as RequestEndEvent).gatewayMs).toBeCloseTo(roundTrips * latencyMs, 6));
      }),
      { seed, numRuns: 12 },
    );
  });
});
