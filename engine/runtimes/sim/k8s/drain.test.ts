/**
 * kubectl drain against the lesson's PDB (snippet 12, minAvailable 1) and without one: anti-pattern
 * #2's "a node drain takes it down and every service goes dark", and how replicas + a PDB avoid it.
 */
import { describe, expect, it } from 'vitest';
import { planDrain } from './drain.ts';
import { DEFAULT_LIFECYCLE, podStatesAt, type PodLifecycle } from './lifecycle.ts';

const lc: PodLifecycle = { ...DEFAULT_LIFECYCLE, startupMs: 20_000, preStopMs: 15_000, terminationGracePeriodMs: 60_000, endpointRemovalLagMs: 2000 };
const serving = (events: Parameters<typeof podStatesAt>[0], t: number, initial: string[]) => [...podStatesAt(events, t, initial).values()].filter((s) => s.routable && s.accepting).length;

describe('node drain', () => {
  it('one replica with minAvailable 1: every eviction is refused and the drain waits forever', () => {
    const plan = planDrain({ at: 0, pods: [{ name: 'gw-0', node: 'n1' }], node: 'n1', minHealthy: 1, lifecycle: lc, until: 600_000 });
    expect(plan.events).toEqual([]);
    expect(plan.drainedAt).toBeUndefined();
    expect(plan.blocked).toMatchObject({ pods: ['gw-0'], since: 0 });
    expect(plan.evictions[0]).toMatchObject({ pod: 'gw-0', refused: 121, firstRefusedAt: 0 });
  });

  it('one replica and no PDB: evicted at once, and nothing serves until the replacement is ready', () => {
    const plan = planDrain({ at: 0, pods: [{ name: 'gw-0', node: 'n1' }], node: 'n1', lifecycle: lc, until: 600_000 });
    expect(plan.evictions[0]).toMatchObject({ evictedAt: 0, refused: 0 });
    const initial = ['gw-0'];
    expect(serving(plan.events, 14_999, initial)).toBe(0); // out of the endpoints at 2 s, and nothing else yet
    expect(serving(plan.events, 19_999, initial)).toBe(0);
    expect(serving(plan.events, 20_000, initial)).toBe(1); // the replacement, 20 s later
    expect(plan.drainedAt).toBe(60_000);
  });

  it('three replicas, two on the drained node, minAvailable 1: both go at once (3 → 1 healthy still meets it)', () => {
    const pods = [{ name: 'gw-0', node: 'n1' }, { name: 'gw-1', node: 'n1' }, { name: 'gw-2', node: 'n2' }];
    const plan = planDrain({ at: 0, pods, node: 'n1', minHealthy: 1, lifecycle: lc, until: 600_000 });
    expect(plan.evictions.map((e) => e.evictedAt)).toEqual([0, 0]);
    expect(serving(plan.events, 10_000, pods.map((p) => p.name))).toBe(1);
  });

  it('two replicas on the node, minAvailable 2 of 3: the second waits for the first replacement (kubectl retries every 5 s)', () => {
    const pods = [{ name: 'gw-0', node: 'n1' }, { name: 'gw-1', node: 'n1' }, { name: 'gw-2', node: 'n2' }];
    const plan = planDrain({ at: 0, pods, node: 'n1', minHealthy: 2, lifecycle: lc, until: 600_000 });
    expect(plan.evictions).toEqual([
      { pod: 'gw-0', refused: 0, evictedAt: 0 },
      { pod: 'gw-1', refused: 4, firstRefusedAt: 0, evictedAt: 20_000 },
    ]);
    for (const t of [0, 5000, 19_999, 20_000, 30_000]) expect(serving(plan.events, t, pods.map((p) => p.name))).toBeGreaterThanOrEqual(2);
    expect(plan.drainedAt).toBe(80_000);
  });
});
