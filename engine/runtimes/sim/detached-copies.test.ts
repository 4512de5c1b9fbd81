/**
 * Mirror copies in the simulation (RequestMirror, ../shared/semantics.md §7: "mirror response
 * ignored"): whatever the mirror backend does — slow, failing, down, out of workers — every client
 * request ends exactly as it does with no mirror at all (same instants, statuses, latencies), while
 * the mirror backend really does the work: one traced copy per request, and its queue shared with
 * whoever else calls it.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../scenario/load.ts';
import type { EffectEndEvent, EffectStartEvent, RequestEndEvent, TraceEvent } from '../../trace/events.ts';
import { runVariant } from './run-scenario.ts';

// Pin a failing run with FC_SEED=<seed>; the seed in use is printed either way.
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
console.log(`mirror copies property seed: ${seed} (set FC_SEED to replay)`);

interface Canary {
  latencyMs: number;
  errorRate: number;
  concurrency: number | undefined;
  down: boolean;
}

/** The shipped shadow-traffic scenario's configs, with the canary as drawn and a short run. */
function scenarioText(c: Canary): string {
  return `id: mirror-property
title: mirror property
topic: canary
summary: property run
start: 2026-01-01T12:00:00Z
seed: 5
duration: 4s
# Network delays drawn per call: copies draw theirs from their own stream, or the clients' would shift.
network:
  gatewayToBackend: { uniform: [1ms, 3ms] }
gateway:
  format: gateway-api
  files: [configs/gateway-api-catalog-mirror.yaml, configs/gateway-api-canary-testers.yaml]
clients:
  - id: shoppers
    ip: 198.51.100.20
    request: { url: http://api.example.com/v1/catalog/items }
    traffic: [{ poisson: { rate: 25/s } }]
  - id: testers
    ip: 198.51.100.77
    request: { url: http://api.example.com/v1/catalog/items, headers: { X-Canary: "true" } }
    traffic: [{ constant: { rate: 4/s } }]
backends:
  - name: catalog-stable
    latency: { uniform: [5ms, 25ms] }
  - name: catalog-canary
    latency: ${c.latencyMs}ms
    errorRate: ${c.errorRate}
${c.concurrency !== undefined ? `    concurrency: ${c.concurrency}\n    queue: 1\n` : ''}${c.down ? 'events:\n  - { at: 1s, outage: { backend: catalog-canary, duration: 2s } }\n' : ''}variants:
  no-mirror:
    patch:
      gateway:
        files: [configs/gateway-api-catalog-no-mirror.yaml, configs/gateway-api-canary-testers.yaml]
`;
}

async function run(c: Canary, variant: 'base' | 'no-mirror'): Promise<TraceEvent[]> {
  const loaded = loadScenarioText(scenarioText(c), resolve('scenarios/canary/mirror-property.yaml'), (p) => readFileSync(p, 'utf8'));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.scenario || errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  return (await runVariant(loaded.scenario, variant, { level: 'full' })).events;
}

const shopperEnds = (events: TraceEvent[]) =>
  events.filter((e): e is RequestEndEvent => e.type === 'request.end' && e.client === 'shoppers').map((e) => ({ req: e.req, t: e.t, status: e.status, ms: e.ms, upstreamMs: e.upstreamMs }));

const mirrorEffects = <T extends 'effect.start' | 'effect.end'>(events: TraceEvent[], type: T) =>
  events.filter((e): e is Extract<EffectStartEvent | EffectEndEvent, { type: T }> => e.type === type && e.plugin === 'request-mirror');

const canaryArb: fc.Arbitrary<Canary> = fc.record({
  latencyMs: fc.integer({ min: 1, max: 3000 }),
  errorRate: fc.constantFrom(0, 0.5, 1),
  concurrency: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
  down: fc.boolean(),
});

describe('mirror copies in the simulation (§7)', () => {
  it('a slow, failing, down or saturated mirror never changes a client request, and each copied request costs it one call', async () => {
    await fc.assert(
      fc.asyncProperty(canaryArb, async (canary) => {
        const mirrored = await run(canary, 'base');
        const plain = await run(canary, 'no-mirror');
        const ends = shopperEnds(mirrored);
        expect(ends.length).toBeGreaterThan(0);
        expect(ends).toEqual(shopperEnds(plain));
        // One copy per shopper request, each sent and each ended (answered, refused or timed out).
        const starts = mirrorEffects(mirrored, 'effect.start');
        expect(starts.map((e) => e.req).sort()).toEqual(ends.map((e) => e.req).sort());
        expect(mirrorEffects(mirrored, 'effect.end')).toHaveLength(starts.length);
        expect(mirrorEffects(plain, 'effect.start')).toEqual([]);
      }),
      { seed, numRuns: 8 },
    );
  }, 120_000);

  it('the copies are load the mirror backend really carries: with 1 worker and a queue of 1, testers calling it get 503s', async () => {
    const canary: Canary = { latencyMs: 200, errorRate: 0, concurrency: 1, down: false };
    const testers = (events: TraceEvent[]) => events.filter((e): e is RequestEndEvent => e.type === 'request.end' && e.client === 'testers').map((e) => e.status);
    const withCopies = testers(await run(canary, 'base'));
    const without = testers(await run(canary, 'no-mirror'));
    expect(without.filter((s) => s === 503)).toEqual([]);
    expect(withCopies.filter((s) => s === 503).length).toBeGreaterThan(withCopies.length / 4);
  });
});
