/**
 * The lesson's war story at `full` (kong-bottleneck, variant overload, seed 9): every request's gateway
 * time is explained by its recorded waits, CPU, I/O and — for the front's 504s and 502s — the backend's
 * time before the front answered (semantics §11: gateway time = request_time − upstream_time). The
 * pod never runs out of slots here (8,192); the waits are for its quarter core, and its OOM kills cut
 * CPU work short, which the trace now says.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenario/load.ts';
import type { EffectEndEvent, RequestEndEvent, SlotWaitEvent } from '../../../trace/events.ts';
import { runVariant } from '../run-scenario.ts';
import { gatewaySplit } from './gateway-split.ts';
import { requestWaits } from './wait-story.ts';
import { eventsByRequest } from './test-kit.ts';

describe('the war story\'s waits (issue #9)', () => {
  it('explain every request\'s gatewayMs within 2 µs, and tell each OOM kill\'s victims what they were waiting for', async () => {
    const loaded = loadScenario('scenarios/capacity/kong-bottleneck.yaml', (p) => readFileSync(p, 'utf8'));
    const { events } = await runVariant(loaded.scenario!, 'overload', { level: 'full' });
    const byReq = eventsByRequest(events);
    let explained = 0;
    for (const [req, evs] of byReq) {
      const split = gatewaySplit(evs);
      if (!split) continue;
      explained++;
      expect(Math.abs(split.otherMs), `${req}: ${JSON.stringify(split)}`).toBeLessThan(0.002);
    }
    // Every request that reached gw-0 and got an answer from it or from the front.
    const ends = events.filter((e): e is RequestEndEvent => e.type === 'request.end' && e.replica === 'gw-0' && e.source !== 'client');
    expect(explained).toBe(ends.filter((e) => byReq.get(e.req)?.some((x) => x.type === 'request.start')).length);

    // Two OOM kills: each cut the CPU work its victims had queued, and the arrival that set it off has a 0 ms slot wait.
    const cut = events.filter((e): e is EffectEndEvent => e.type === 'effect.end' && e.oomKilled === true);
    expect(cut.length).toBeGreaterThan(1000);
    expect(new Set(cut.map((e) => e.t)).size).toBe(2);
    const slot = events.filter((e): e is SlotWaitEvent => e.type === 'slot.wait');
    expect(slot.map((e) => [e.ms, e.outcome])).toEqual([[0, 'oom-killed'], [0, 'oom-killed']]);
    const victim = byReq.get(cut[0]!.req)!;
    expect(requestWaits(victim).at(-1)?.text).toMatch(/OOM-killed \(the front balancer answered 502\)$/);
  }, 60_000);
});
