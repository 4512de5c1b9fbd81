/**
 * The lesson's scenario at the level a student watches it: one host of two keeps failing, and Envoy
 * ejects it, lets it back at a sweep, ejects it for longer, and never takes out more than half.
 */
import { describe, expect, it } from 'vitest';
import type { OutlierPolicyIR } from '../policy.ts';
import { ENVOY_OUTLIER_DEFAULTS } from './defaults.ts';
import { createOutlierDetector } from './detector.ts';
import type { OutlierEvent } from './types.ts';

const S = 1000;
const POLICY: OutlierPolicyIR = { ...ENVOY_OUTLIER_DEFAULTS, consecutive5xx: 5, intervalMs: 30 * S, baseEjectionTimeMs: 30 * S, maxEjectionPercent: 50 };

/**
 * One request a second for `seconds`, round robin over the hosts not ejected (no panic: with two hosts
 * one ejection leaves exactly 50 % healthy). `fails(host)` says whether that host answers 503.
 */
function run(fails: (host: number) => boolean, seconds: number) {
  const d = createOutlierDetector(POLICY, 2, 0, ['10.0.0.1:8080', '10.0.0.2:8080']);
  const events: OutlierEvent[] = [];
  const failuresInARow = [0, 0];
  const ejectedAtNthFailure: number[] = [];
  let maxOut = 0;
  let turn = 0;
  for (let t = 1; t <= seconds; t++) {
    const swept = d.advance(t * S);
    // The detector starts a rejoining host's run from 0; so does the harness.
    for (const e of swept) if (e.kind === 'uneject') failuresInARow[e.host] = 0;
    events.push(...swept);
    const eligible = [0, 1].filter((h) => d.panic() || !d.isEjected(h));
    const host = eligible[turn++ % eligible.length] as number;
    const failed = fails(host);
    failuresInARow[host] = failed ? (failuresInARow[host] as number) + 1 : 0;
    const got = d.record(host, { status: failed ? 503 : 200 }, t * S, () => 0.5);
    if (got.some((e) => e.kind === 'eject')) ejectedAtNthFailure.push(failuresInARow[host] as number);
    events.push(...got);
    maxOut = Math.max(maxOut, d.ejectedCount());
  }
  return { events, maxOut, ejectedAtNthFailure };
}

describe('outlier scenario: two hosts, one failing', () => {
  it('semantics §9: ejected at the 5th consecutive 5xx, back at the first sweep ≥ 30 s later, 60 s on the 2nd ejection, never more than half out', () => {
    const { events, maxOut, ejectedAtNthFailure } = run((h) => h === 1, 400);
    const ejections = events.filter((e): e is Extract<OutlierEvent, { kind: 'eject' }> => e.kind === 'eject');
    const returns = events.filter((e) => e.kind === 'uneject');
    expect(ejections.every((e) => e.host === 1 && e.rule === 'consecutive-5xx')).toBe(true);
    expect(ejectedAtNthFailure.slice(0, 2)).toEqual([5, 5]);

    const [first, second] = ejections;
    const [back1, back2] = returns;
    // Host 1 gets every other request: its 5th failure is the 10th request, at 10 s.
    expect(first).toMatchObject({ at: 10 * S, ejectionMs: 30 * S, timesEjected: 1 });
    // 10 s + 30 s = 40 s, but sweeps run at 30, 60, 90 … so it rejoins at 60 s.
    expect(back1?.at).toBe(60 * S);
    expect(second).toMatchObject({ ejectionMs: 60 * S, timesEjected: 2 });
    expect(second?.at).toBeLessThan(90 * S); // it relapsed before a sweep could forgive it
    expect(back2?.at).toBe(Math.ceil(((second?.at ?? 0) + 60 * S) / (30 * S)) * 30 * S);
    expect(maxOut).toBe(1);
  });

  it('semantics §9: when both hosts fail, max_ejection_percent 50 keeps one in the pool (ejections_overflow)', () => {
    const { events, maxOut } = run(() => true, 400);
    expect(maxOut).toBe(1);
    const overflow = events.filter((e) => e.kind === 'overflow');
    expect(overflow.length).toBeGreaterThan(0);
    expect(overflow[0]?.reason).toContain('1 of 2 hosts are out already and one more would make 100 %, above max_ejection_percent 50 %');
  });
});
