/**
 * The schedule's own promise (semantics §2): at its nominal instants no request sits near an edge,
 * and the comparison rules skip and resync as documented. No nginx needed.
 */
import { describe, expect, it } from 'vitest';
import { limitReqOne, type LimitReqNode } from '../../engine/plugins/rate-limit/math/nginx-limit-req.ts';
import { compareRun, stableWithin, type Observed } from './compare.ts';
import { DELAYED_BUCKET_MS, LOCATIONS, nominalTimes, REQUESTS_PER_LOCATION } from './schedule.ts';

const OPTIONS = { edgeMarginMs: 15, delayedBucketMs: DELAYED_BUCKET_MS, delayToleranceMs: 20 };

function nominalRun(index: number) {
  const location = LOCATIONS[index]!;
  let node: LimitReqNode | undefined;
  return nominalTimes().map((t) => {
    const stable = stableWithin(location.limit, node, 1_000_000 + t, 25);
    const r = limitReqOne(location.limit, 'k', node, 1_000_000 + t);
    node = r.node;
    return { stable, ...r.decision };
  });
}

describe('§2 the nginx comparison schedule', () => {
  it('§2 keeps every request of every location ≥ 25 ms away from an instant where its outcome flips', () => {
    expect(nominalTimes()).toHaveLength(REQUESTS_PER_LOCATION);
    for (let i = 0; i < LOCATIONS.length; i++) {
      const unstable = nominalRun(i).flatMap((r, j) => (r.stable ? [] : [j]));
      expect(unstable, LOCATIONS[i]!.directive).toEqual([]);
    }
  });

  it('§2 delays are 0 or ≥ 60 ms, so the delayed bucket (≥ 30 ms) is never a matter of jitter', () => {
    for (let i = 0; i < LOCATIONS.length; i++) {
      for (const r of nominalRun(i)) expect(r.delayMs === 0 || r.delayMs >= 2 * DELAYED_BUCKET_MS).toBe(true);
    }
  });

  it('§2 exercises every outcome: burst+1 pass at once, the rest 503; delays only without nodelay', () => {
    const outcomes = LOCATIONS.map((_, i) => nominalRun(i).map((r) => r.outcome[0]).join(''));
    // The first group of 8 at one instant: burst=5 → 6 pass (5 of them delayed 100..500 ms), 2 rejected.
    expect(outcomes[0]!.slice(0, 8)).toBe('PDDDDDRR');
    expect(outcomes[1]!.slice(0, 8)).toBe('PPPPPPRR');
    expect(outcomes[2]!.slice(0, 8)).toBe('PRRRRRRR');
    expect(outcomes[1]).not.toContain('D');
    expect(outcomes[2]).not.toContain('D');
  });

  it('§2 a request on an edge is skipped, and the emulation follows what nginx did', () => {
    const limit = LOCATIONS[2]!.limit; // no burst: a 2nd request passes only ≥ 100 ms after the 1st
    const ok = (status: number, lrs: string): Observed => ({ status, limitReqStatus: lrs, requestTimeMs: 0, latencyMs: 1 });
    // #1 at 100 ms sits on the edge; nginx passed it, so #2 at 150 ms must be rejected (50 ms later).
    const verdicts = compareRun(limit, [0, 100, 150], [ok(200, 'PASSED'), ok(200, 'PASSED'), ok(503, 'REJECTED')], OPTIONS);
    expect(verdicts.map((v) => v.skipped)).toEqual([undefined, 'edge', undefined]);
    expect(verdicts.every((v) => !v.mismatch)).toBe(true);
    // Had nginx rejected #1 instead, #2 (150 ms after the last accepted request) passes.
    const other = compareRun(limit, [0, 100, 150], [ok(200, 'PASSED'), ok(503, 'REJECTED'), ok(200, 'PASSED')], OPTIONS);
    expect(other.every((v) => !v.mismatch)).toBe(true);
  });

  it('§2 a request nginx saw at another spacing is skipped, and the emulation takes nginx\'s state', () => {
    // nodelay, burst 5: 6 at once fill the bucket to 5000. The client sent #6 and #7 208 ms later,
    // but nginx read them only 150 ms after the burst: there #7 finds 5500 > 5000 and is rejected.
    const limit = LOCATIONS[1]!.limit;
    const burst = [0, 0.3, 0.6, 0.9, 1.2, 1.5];
    const sends = [...burst, 208, 208.3, 700];
    const seen = [...burst, 150, 150, 642];
    const obs = (status: number, lrs: string): Observed => ({ status, limitReqStatus: lrs, requestTimeMs: 0, latencyMs: 1 });
    const observed = [...burst.map(() => obs(200, 'PASSED')), obs(200, 'PASSED'), obs(503, 'REJECTED'), obs(200, 'PASSED')];
    const nginxClock = compareRun(limit, seen, observed, { ...OPTIONS, edgeMarginMs: 2 });
    expect(nginxClock.filter((v) => v.mismatch)).toEqual([]);
    const verdicts = compareRun(limit, sends, observed, { ...OPTIONS, nginxClock });
    expect(verdicts.map((v) => v.skipped ?? '-')).toEqual(['-', '-', '-', '-', '-', '-', '-', 'drift', '-']);
    expect(verdicts.filter((v) => v.mismatch)).toEqual([]);
    // No shift of #7's own instant could give REJECTED (the send timeline's bucket holds only 3920
    // before #7): it is nginx's state, carried over, that keeps #8 in line.
    expect(verdicts[7]!.nodeAfter!.excess).toBe(4500);
  });

  it('§2 a disagreement off the edges is reported, with what each side said', () => {
    const limit = LOCATIONS[1]!.limit;
    const obs: Observed = { status: 200, limitReqStatus: 'PASSED', requestTimeMs: 0, latencyMs: 1 };
    const times = [0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8];
    const verdicts = compareRun(limit, times, times.map(() => obs), OPTIONS);
    expect(verdicts[6]!.mismatch).toMatch(/status 200, emulation 503/);
  });
});
