/**
 * The HPA of the lesson's snippet 13 (2–10 replicas, 60 % CPU): scale up at once, scale down only
 * after the 300 s stabilisation window, within the tolerance nothing moves.
 */
import { describe, expect, it } from 'vitest';
import { evaluateHpa, initialHpaState, runHpa, type HpaParams } from './hpa.ts';

const snippet13: HpaParams = { minReplicas: 2, maxReplicas: 10, targetPercent: 60, scaleUpStabilizationMs: 0, scaleDownStabilizationMs: 300_000 };

describe('HPA', () => {
  it('desired = ceil(current × utilisation ÷ target)', () => {
    const { decision } = evaluateHpa(snippet13, initialHpaState(3), 0, [92, 92, 92]);
    expect(decision).toMatchObject({ current: 3, utilization: 92, raw: 5, desired: 5 });
    expect(decision.reason).toContain('ceil(3 × 1.53) = 5');
  });

  it('within 10 % of the target nothing changes', () => {
    expect(evaluateHpa(snippet13, initialHpaState(4), 0, [64, 64, 64, 64]).decision.desired).toBe(4);
  });

  it('stays within min and max, the scale-up policy (max of +4 pods, ×2), and a new HPA does not shrink at once', () => {
    expect(evaluateHpa(snippet13, initialHpaState(2), 0, [600, 600]).decision).toMatchObject({ raw: 20, desired: 6 });
    expect(evaluateHpa(snippet13, initialHpaState(8), 0, [600, 600, 600, 600, 600, 600, 600, 600]).decision.desired).toBe(10);
    expect(evaluateHpa(snippet13, initialHpaState(3), 0, [5, 5, 5]).decision.desired).toBe(3); // stabilised, not yet 2
    expect(evaluateHpa({ ...snippet13, scaleDownStabilizationMs: 0 }, initialHpaState(3), 0, [5, 5, 5]).decision.desired).toBe(2);
  });

  it('no metrics: no change (FailedGetResourceMetric)', () => {
    expect(evaluateHpa(snippet13, initialHpaState(3), 0, []).decision).toMatchObject({ desired: 3 });
  });

  it('a load spike scales up within one sync; the drop scales down only after 300 s', () => {
    // 3 cores of work spread over the ready pods, each requesting 1 core (the war story's fix).
    const load = (t: number) => (t < 60_000 ? 1000 : t < 180_000 ? 4000 : 600);
    const decisions = runHpa(snippet13, {
      from: 0,
      to: 600_000,
      initialReplicas: 2,
      startupMs: 20_000,
      utilization: (t, { ready }) => Array.from({ length: ready }, () => (load(t) / ready / 1000) * 100),
    });
    const at = (t: number) => decisions.find((d) => d.t === t);
    expect(at(0)).toMatchObject({ utilization: 50, desired: 2 });
    expect(at(60_000)).toMatchObject({ current: 2, utilization: 200, raw: 7, desired: 6 }); // +4 pods at most
    // 2 of 6 ready: the 4 starting pods count as 0 %, so 400 % ÷ 6 = 67 % → 7.
    expect(at(75_000)).toMatchObject({ current: 6, raw: 7, desired: 7 });
    expect(at(180_000)).toMatchObject({ raw: 1, desired: 7 }); // the load is gone; the window remembers 7
    expect(at(450_000)?.desired).toBe(7);
    expect(at(465_000)).toMatchObject({ raw: 1, desired: 2 }); // the last 7 (at 165 s) left the 300 s window; minReplicas
  });
});
