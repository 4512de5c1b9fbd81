/**
 * A mirror copy whose rule disables its timeout (`timeouts.request: 0s`, ../shared/semantics.md §7:
 * "0s = disabled"). Envoy hands a shadow its route's global timeout (router.cc), and a route timeout of
 * 0 is none, so the shadow waits as long as its backend takes. In the simulation: no made-up timeout
 * (not 15 s, not any), the copy's answer comes when the backend gives it — and a copy still waiting
 * when everything else is over never holds the run open: the run ends, and that copy has no `copy.end`
 * nor `effect.end`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../scenario/load.ts';
import type { CopyEndEvent, RequestEndEvent, TraceEvent } from '../../trace/events.ts';
import { runVariant } from './run-scenario.ts';

const MIRROR_FILE = 'configs/gateway-api-catalog-mirror.yaml';

/** The shipped mirror route, its rule given `timeouts: { request: <request> }` (none when undefined). */
function mirrorRoute(request: string | undefined): string {
  const text = readFileSync(resolve('scenarios/canary', MIRROR_FILE), 'utf8');
  if (request === undefined) return text;
  const withTimeout = text.replace('      backendRefs:\n', `      timeouts: { request: ${request} }\n      backendRefs:\n`);
  expect(withTimeout).not.toBe(text);
  return withTimeout;
}

/**
 * Shoppers for the first 2 s through the mirror route; the canary answers after `canaryMs`. `lateAt`
 * adds one request from another client much later (the run lasts 40 s then), which keeps it going.
 */
function scenarioText(canaryMs: number, lateAt?: string): string {
  return `id: mirror-untimed
title: mirror without a timeout
topic: canary
summary: test run
start: 2026-01-01T12:00:00Z
seed: 5
duration: ${lateAt !== undefined ? '40s' : '2s'}
gateway:
  format: gateway-api
  files: [${MIRROR_FILE}, configs/gateway-api-canary-testers.yaml]
clients:
  - id: shoppers
    ip: 198.51.100.20
    request: { url: http://api.example.com/v1/catalog/items }
    traffic: [{ constant: { rate: 2/s, to: 2s } }]
${lateAt !== undefined ? `  - id: late\n    ip: 198.51.100.21\n    request: { url: http://api.example.com/v1/catalog/items }\n    traffic: [{ at: [${lateAt}] }]\n` : ''}backends:
  - name: catalog-stable
    latency: 10ms
  - name: catalog-canary
    latency: ${canaryMs}ms
`;
}

async function run(request: string | undefined, canaryMs: number, lateAt?: string): Promise<TraceEvent[]> {
  const path = resolve('scenarios/canary/mirror-untimed.yaml');
  const read = (p: string): string => (p.endsWith(MIRROR_FILE) ? mirrorRoute(request) : readFileSync(p, 'utf8'));
  const loaded = loadScenarioText(scenarioText(canaryMs, lateAt), path, read);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.scenario || errors.length > 0) throw new Error(errors.map((d) => d.message).join('\n'));
  return (await runVariant(loaded.scenario, 'base', { level: 'full' })).events;
}

const copyEnds = (events: TraceEvent[]): CopyEndEvent[] => events.filter((e): e is CopyEndEvent => e.type === 'copy.end');
const mirrorEffects = (events: TraceEvent[], type: 'effect.start' | 'effect.end'): TraceEvent[] => events.filter((e) => e.type === type && 'plugin' in e && e.plugin === 'request-mirror');
const runEnd = (events: TraceEvent[]): number => (events.find((e) => e.type === 'run.end') as TraceEvent).t;
const shopperEnds = (events: TraceEvent[]): RequestEndEvent[] => events.filter((e): e is RequestEndEvent => e.type === 'request.end' && e.client === 'shoppers');

describe('a mirror copy with timeouts.request: 0s has no timeout (semantics §7; Envoy router.cc: the shadow gets the route timeout)', () => {
  it('§7 a backend that never answers within the run: the copies leave, get no end event, and the run ends when the clients are done', async () => {
    const events = await run('0s', 3_600_000);
    const sent = mirrorEffects(events, 'effect.start');
    expect(sent).toHaveLength(shopperEnds(events).length);
    expect(sent.length).toBeGreaterThan(0);
    expect(copyEnds(events), 'no made-up timeout: nothing ended the copies').toEqual([]);
    expect(mirrorEffects(events, 'effect.end')).toEqual([]);
    // The run is over at its duration plus the last request's few ms, not an hour later.
    expect(runEnd(events)).toBeLessThan(3_000);
    expect(shopperEnds(events).every((e) => e.status === 200)).toBe(true);
  });

  it('§7 while the run goes on, an untimed copy is answered when its backend answers — after 20 s, past Envoy\'s 15 s default', async () => {
    const events = await run('0s', 20_000, '30s');
    const ends = copyEnds(events);
    expect(ends.length).toBe(mirrorEffects(events, 'effect.start').length - 1);
    for (const e of ends) {
      expect(e.status).toBe(200);
      expect(e.error).toBeUndefined();
      expect(e.ms).toBeGreaterThanOrEqual(20_000);
    }
    // The late request's own copy was still waiting when the run ended: it has no copy.end.
    const late = events.find((e): e is RequestEndEvent => e.type === 'request.end' && e.client === 'late');
    expect(ends.some((e) => e.req === late?.req)).toBe(false);
  });

  it('§7 the same backend with no timeouts set: Envoy\'s 15 s default route timeout ends each copy; with 5s, 5 s does', async () => {
    for (const [request, limit] of [[undefined, 15_000], ['5s', 5_000]] as const) {
      const ends = copyEnds(await run(request, 20_000));
      expect(ends.length).toBeGreaterThan(0);
      for (const e of ends) {
        expect(e.error).toBe('timeout');
        expect(e.ms).toBe(limit);
      }
    }
  });

  it('§7 the decision says the copy has no timeout', async () => {
    const events = await run('0s', 10);
    const decision = events.find((e) => e.type === 'plugin.decision' && e.plugin === 'request-mirror');
    expect(decision && 'reason' in decision ? decision.reason : '').toMatch(/it has no timeout \(the rule disabled it with timeouts.request: 0s\)$/);
    expect(copyEnds(events).every((e) => e.status === 200)).toBe(true);
  });
});
