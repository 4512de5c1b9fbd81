/**
 * The invariant behind the recorded waits, over random small capacity scenarios run through the
 * whole simulation at `full`: gateway time is request_time − upstream_time (semantics §11), and for
 * every request the replica answered, its recorded slot wait + CPU waits + CPU runs + the rest of its
 * effects (Redis round trips, before and after the backend's answer) add up to its gatewayMs within
 * rounding — nothing in the gateway's time is left unexplained; and inside each effect the CPU wait,
 * the run and the I/O are what the model says they are. For the front's own answers (502, 504) the same holds up to the instant the front
 * answered, with the backend's time so far counted in (the front's gatewayMs has none taken out).
 * Set FC_SEED to replay a failing run.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadScenarioText } from '../../../scenario/load.ts';
import type { EffectStartEvent, RequestEndEvent, RequestStartEvent, SlotWaitEvent, TraceEvent } from '../../../trace/events.ts';
import { runVariant } from '../run-scenario.ts';
import { STORE_CALL_CPU_US } from './costs.ts';
import { gatewaySplit } from './gateway-split.ts';
import { eventsByRequest } from './test-kit.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`[fast-check] gateway-split seed=${seed} (replay: FC_SEED=${seed})`);

/** Rounding: gatewayMs, each wait and each run are rounded to 1 µs in the trace. */
const EPS = 0.01;

interface Knobs {
  cpuMillicores: number;
  slots: number;
  queue: number;
  queueTimeoutMs: number | undefined;
  memoryRequests: number | undefined;
  frontTimeoutMs: number | undefined;
  ratePerS: number;
  limitPerS: number;
  backendMs: number;
}

function scenarioText(k: Knobs): string {
  return `id: split-property
title: split property
topic: capacity
summary: random capacity
start: 2026-01-01T12:00:00Z
seed: 3
duration: 400ms
replicas: 1
${k.frontTimeoutMs !== undefined ? `frontBalancer: { algorithm: round-robin, timeout: ${k.frontTimeoutMs}ms }\n` : ''}gateway:
  format: ir
  capacity:
    cpu: ${k.cpuMillicores}m
    slots: ${k.slots}
    queue: ${k.queue}
${k.queueTimeoutMs !== undefined ? `    queueTimeout: ${k.queueTimeoutMs}ms\n` : ''}${k.memoryRequests !== undefined ? `    memory: ${100 + k.memoryRequests}Mi\n` : ''}    baseMemory: 100Mi
    memoryPerRequest: 1Mi
    restartAfterOom: 50ms
  config:
    services:
      - { name: api, url: http://api.internal:8080 }
    routes:
      - { name: r, service: api, paths: [/] }
    plugins:
      - plugin: request-transformer
        config: { add: { headers: ["x-a:b"] } }
      - plugin: rate-limit
        config: { second: ${k.limitPerS}, limit_by: ip, policy: redis, redis: { host: redis } }
      - plugin: response-ratelimiting
        config: { limits: { orders: { second: ${k.limitPerS} } }, limit_by: ip, policy: redis, redis: { host: redis } }
clients:
  - id: app
    ip: 198.51.100.80
    request: { url: http://api.example.com/x }
    traffic: [{ poisson: { rate: ${k.ratePerS}/s } }]
backends:
  - { name: api, latency: ${k.backendMs}ms, headers: { X-Kong-Limit: orders=1 } }
  - { name: redis, latency: 1ms }
`;
}

async function run(k: Knobs): Promise<TraceEvent[]> {
  const loaded = loadScenarioText(scenarioText(k), resolve('scenarios/capacity/split-property.yaml'), (p) => readFileSync(p, 'utf8'));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.scenario || errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  return (await runVariant(loaded.scenario, 'base', { level: 'full' })).events;
}

const knobs: fc.Arbitrary<Knobs> = fc.record({
  cpuMillicores: fc.integer({ min: 50, max: 1000 }),
  slots: fc.integer({ min: 1, max: 6 }),
  queue: fc.integer({ min: 0, max: 10 }),
  queueTimeoutMs: fc.option(fc.integer({ min: 5, max: 150 }), { nil: undefined }),
  memoryRequests: fc.option(fc.integer({ min: 2, max: 12 }), { nil: undefined }),
  frontTimeoutMs: fc.option(fc.integer({ min: 10, max: 300 }), { nil: undefined }),
  ratePerS: fc.integer({ min: 50, max: 2000 }),
  limitPerS: fc.integer({ min: 5, max: 1000 }),
  backendMs: fc.integer({ min: 1, max: 30 }),
});

describe('where the gateway time went (semantics §11: gateway time = request_time − upstream_time)', () => {
  it('slot wait + CPU waits + CPU runs + I/O = gatewayMs for every request the replica answered, and up to its answer for the front\'s', async () => {
    let answeredByReplica = 0;
    let answeredByFront = 0;
    let waited = 0;
    await fc.assert(
      fc.asyncProperty(knobs, async (k) => {
        const events = await run(k);
        const byReq = eventsByRequest(events);
        for (const [req, evs] of byReq) {
          const end = evs.find((e): e is RequestEndEvent => e.type === 'request.end');
          const start = evs.find((e): e is RequestStartEvent => e.type === 'request.start');
          if (!end || !start || end.source === 'client') continue;
          // A slot wait lasts from its arrival to its end: semantics aside, that is the record's meaning.
          for (const w of evs.filter((e): e is SlotWaitEvent => e.type === 'slot.wait')) expect(w.ms, req).toBeCloseTo(w.t - start.t, 2);
          // Inside each effect the split is exact too: the gateway's own work has no I/O, so it is its
          // CPU wait and run; a Redis call is its CPU wait and run plus the fixed 1 ms round trip; a
          // run is the work's µs over the cores (FIFO at a fixed rate, docs/capacity.md).
          const cores = k.cpuMillicores / 1000;
          let open: EffectStartEvent | undefined;
          for (const e of evs) {
            if (e.type === 'effect.start') open = e;
            if (e.type !== 'effect.end' || e.cpuWaitMs === undefined || !open || e.oomKilled) continue;
            const took = e.t - open.t;
            const cpu = (e.cpuWaitMs) + (e.cpuMs as number);
            if (e.plugin === 'gateway') {
              expect(took, req).toBeCloseTo(cpu, 2);
              expect(e.cpuMs, req).toBeCloseTo(Number(/([\d.]+) µs CPU/.exec(open.effect)?.[1]) / 1000 / cores, 2);
            } else if (open.effect.startsWith('store:') && e.ok) {
              expect(took, req).toBeCloseTo(cpu + 1, 2);
              expect(e.cpuMs, req).toBeCloseTo(STORE_CALL_CPU_US / 1000 / cores, 2);
            }
          }
          const split = gatewaySplit(evs);
          if (!split) continue;
          if (split.slotWaitMs + split.cpuWaitMs > 0) waited++;
          if (end.source === 'front') answeredByFront++;
          else answeredByReplica++;
          // The front's answers (504, 502) too: its gatewayMs is the time to its decision, backend included.
          expect(Math.abs(split.otherMs), `${req}: ${JSON.stringify(split)}`).toBeLessThanOrEqual(EPS);
          if (end.source !== 'front') expect(split.upstreamMs, req).toBe(0);
        }
      }),
      { seed, numRuns: 25 },
    );
    // The property checked something: answers from replicas, and some of them waited.
    expect(answeredByReplica).toBeGreaterThan(100);
    expect(answeredByFront).toBeGreaterThan(10);
    expect(waited).toBeGreaterThan(10);
  }, 120_000);
});
