/**
 * What a mirror's copy is in the simulation beyond "its answer is ignored" (RequestMirror,
 * ../shared/semantics.md §7): a request of its own to the mirror backend, whose errors are drawn
 * apart from the request it copies; a `copy.end` at the decisions level with what it got, which the
 * metrics count against the mirror's service (Envoy counts shadows in the mirror cluster's upstream
 * stats); and, with a CPU model, one more upstream call's CPU on the replica that sent it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyedDraw } from '../../core/rng.ts';
import { MetricsRegistry } from '../../observe/metrics.ts';
import { copyDrawKey } from '../../pipeline/request-copy.ts';
import { loadScenarioText } from '../../scenario/load.ts';
import type { CopyEndEvent, ReplicaQueueEvent, RequestEndEvent, TraceEvent } from '../../trace/events.ts';
import { SHADOW_COPY_CPU_US } from './capacity/costs.ts';
import { runVariant } from './run-scenario.ts';

const SEED = 5;

/** Shoppers at 25/s for 4 s (100 requests), both backends failing half of what they get; `gatewayExtra` goes under `gateway:`. */
function scenarioText(gatewayExtra: string): string {
  return `id: mirror-costs
title: mirror costs
topic: canary
summary: copies as requests of their own
start: 2026-01-01T12:00:00Z
seed: ${SEED}
duration: 4s
gateway:
  format: gateway-api
  files: [configs/gateway-api-catalog-mirror.yaml, configs/gateway-api-canary-testers.yaml]
${gatewayExtra}clients:
  - id: shoppers
    ip: 198.51.100.20
    request: { url: http://api.example.com/v1/catalog/items }
    traffic: [{ constant: { rate: 25/s } }]
backends:
  - { name: catalog-stable, latency: 5ms, errorRate: 0.5, errorStatus: 500 }
  - { name: catalog-canary, latency: 5ms, errorRate: 0.5, errorStatus: 500 }
variants:
  no-mirror:
    patch:
      gateway:
        files: [configs/gateway-api-catalog-no-mirror.yaml, configs/gateway-api-canary-testers.yaml]
`;
}

async function run(variant: 'base' | 'no-mirror', gatewayExtra = ''): Promise<TraceEvent[]> {
  const loaded = loadScenarioText(scenarioText(gatewayExtra), resolve('scenarios/canary/mirror-costs.yaml'), (p) => readFileSync(p, 'utf8'));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.scenario || errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  return (await runVariant(loaded.scenario, variant, { level: 'decisions' })).events;
}

const copyEnds = (events: TraceEvent[]) => events.filter((e): e is CopyEndEvent => e.type === 'copy.end');

/** Busy wall-clock ms of the replica's CPU, summed from its utilisation samples. */
function busyMs(events: TraceEvent[]): number {
  let last = 0;
  let busy = 0;
  for (const e of events) {
    if (e.type !== 'replica.queue') continue;
    const sample = e as ReplicaQueueEvent;
    busy += sample.cpu * (sample.t - last);
    last = sample.t;
  }
  return busy;
}

describe('a mirror copy is a request of its own (§7)', () => {
  it('its error draw is independent of the request it copies, and the proxy fake backends key it the same way', async () => {
    const events = await run('base');
    const mainFailed = new Set(events.filter((e): e is RequestEndEvent => e.type === 'request.end' && e.status === 500).map((e) => e.req));
    const copies = copyEnds(events);
    expect(copies).toHaveLength(100);
    const copyFailed = new Set(copies.filter((c) => c.status === 500).map((c) => c.req));
    for (const c of copies) {
      // The same key verify/fake-backends.ts uses for a request whose Host carries "-shadow".
      expect(c.status === 500, c.req).toBe(keyedDraw(SEED, 'backend-error', copyDrawKey(c.req, 'catalog-canary')) < 0.5);
    }
    // Correlated draws (the request id as the key) would fail exactly the same requests on both.
    expect(copyFailed).not.toEqual(mainFailed);
    const both = [...copyFailed].filter((r) => mainFailed.has(r)).length;
    expect(both, 'failing on both: about a quarter of 100 when independent, half when correlated').toBeGreaterThan(10);
    expect(both).toBeLessThan(40);
  });

  it('each copy ends in a copy.end at the decisions level, counted per service and code, never as a client request', async () => {
    const events = await run('base');
    const copies = copyEnds(events);
    expect(copies.every((c) => c.service === 'catalog-canary' && c.plugin === 'request-mirror' && c.ms >= 5)).toBe(true);
    expect(await run('no-mirror').then(copyEnds)).toEqual([]);
    const metrics = new MetricsRegistry();
    for (const e of events) metrics.add(e);
    const text = metrics.exposition();
    const failed = copies.filter((c) => c.status === 500).length;
    expect(text).toContain(`gatelab_upstream_shadow_requests_total{service="catalog-canary",code="500"} ${failed}`);
    expect(text).toContain(`gatelab_upstream_shadow_requests_total{service="catalog-canary",code="200"} ${100 - failed}`);
    expect(text).not.toMatch(/gatelab_http_requests_total\{service="catalog-canary"/);
  });

  it('with a CPU model, each copy costs its replica one upstream call of CPU (capacity/costs.ts)', async () => {
    const spec = '  capacity: { cpu: 100m }\n';
    const extra = busyMs(await run('base', spec)) - busyMs(await run('no-mirror', spec));
    // 100 copies × 63 µs on 0.1 core = 63 ms of the replica's wall-clock time.
    const expected = (100 * SHADOW_COPY_CPU_US) / 1000 / 0.1;
    expect(extra).toBeGreaterThan(expected * 0.9);
    expect(extra).toBeLessThan(expected * 1.1);
  });
});
