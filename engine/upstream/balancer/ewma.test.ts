import { describe, expect, it } from 'vitest';
import { createBalancer } from './index.ts';
import { named, scripted } from './test-kit.ts';

const EWMA = { kind: 'ewma', decayMs: 10_000 } as const;
// With two eligible hosts, draws [0, 0] sample a then b; [0.5, 0] sample b then a.
const AB = { 'lb-p2c': [0, 0] };
const BA = { 'lb-p2c': [0.5, 0] };

describe('ewma: Kong latency / ingress-nginx ewma, P2C (semantics §10)', () => {
  it('a first response sets the score; later ones blend with w = exp(−Δt/decay)', () => {
    const b = createBalancer(EWMA, named(1, 1));
    b.finished(0, { failed: false, rttMs: 100, now: 0 });
    expect(b.snapshot().peers).toMatchObject([{ ewmaMs: 100 }, { ewmaMs: null }]);
    b.finished(0, { failed: false, rttMs: 200, now: 10_000 });
    // 100·e^−1 + 200·(1 − e^−1) = 163.21
    const peers = b.snapshot().peers as Array<{ ewmaMs: number }>;
    expect(peers[0]?.ewmaMs).toBeCloseTo(100 * Math.exp(-1) + 200 * (1 - Math.exp(-1)), 9);
  });

  it('the lower score of the two samples wins', () => {
    const b = createBalancer(EWMA, named(1, 1));
    b.finished(0, { failed: false, rttMs: 100, now: 0 });
    b.finished(1, { failed: false, rttMs: 50, now: 0 });
    expect(b.pick([0, 1], scripted(AB))).toEqual({
      index: 1,
      reason: 'ewma P2C: sampled a (100 ms) and b (50 ms) → b (lower latency score)',
    });
  });

  it('scores decay toward 0 when read, so an idle host looks fast again', () => {
    const b = createBalancer(EWMA, named(1, 1));
    b.finished(0, { failed: false, rttMs: 100, now: 0 });
    b.finished(1, { failed: false, rttMs: 50, now: 20_000 });
    // a: 100·e^−2 ≈ 13.53 ms by t = 20 s, below b's fresh 50 ms.
    const pick = b.pick([0, 1], scripted(BA, { now: 20_000 }));
    expect(pick.index).toBe(0);
    expect(pick.reason).toBe('ewma P2C: sampled b (50 ms) and a (13.53 ms) → a (lower latency score)');
  });

  it('a host never measured scores the average of the measured ones (slow start)', () => {
    const b = createBalancer(EWMA, named(1, 1, 1));
    b.finished(0, { failed: false, rttMs: 100, now: 0 });
    b.finished(1, { failed: false, rttMs: 300, now: 0 });
    // Eligible [1, 2]: sample b (300) then c (unmeasured: average of a and b = 200) → c.
    const pick = b.pick([0, 1, 2], scripted({ 'lb-p2c': [0.4, 0.9] }));
    expect(pick.reason).toBe('ewma P2C: sampled b (300 ms) and c (unmeasured, average 200 ms) → c (lower latency score)');
  });

  it('latency is divided by weight before comparing', () => {
    const b = createBalancer(EWMA, named(2, 1));
    b.finished(0, { failed: false, rttMs: 100, now: 0 });
    b.finished(1, { failed: false, rttMs: 60, now: 0 });
    expect(b.pick([0, 1], scripted(AB)).index).toBe(0);
  });

  it('the two samples are distinct hosts, and equal scores keep the first', () => {
    const b = createBalancer(EWMA, named(1, 1));
    const pick = b.pick([0, 1], scripted({ 'lb-p2c': [0.5, 0.5] }));
    expect(pick.reason).toBe('ewma P2C: sampled b (unmeasured, average 0 ms) and a (unmeasured, average 0 ms) → b (equal, first sample kept)');
  });

  it('one eligible host needs no draw', () => {
    const b = createBalancer(EWMA, named(1, 1));
    expect(b.pick([1], scripted({}))).toEqual({ index: 1, reason: 'ewma: b is the only eligible host' });
  });

  it('rejects a decay time that is not positive', () => {
    expect(() => createBalancer({ kind: 'ewma', decayMs: 0 }, named(1))).toThrow(/GL_E_CONFIG_INVALID/);
  });
});
