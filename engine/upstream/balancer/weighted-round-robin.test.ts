import { describe, expect, it } from 'vitest';
import { createBalancer } from './index.ts';
import { named, request, sequence, tally } from './test-kit.ts';

const WRR = { kind: 'weighted-round-robin' } as const;

describe('weighted round robin: nginx smooth WRR (semantics §10)', () => {
  it('weights 5,1,1 give a a b a c a a, then repeat', () => {
    const hosts = named(5, 1, 1);
    const b = createBalancer(WRR, hosts);
    expect(sequence(b, hosts, [0, 1, 2], 14).join(' ')).toBe('a a b a c a a a a b a c a a');
  });

  it('explains the pick with the current weights it compared', () => {
    const hosts = named(5, 1, 1);
    const b = createBalancer(WRR, hosts);
    b.pick([0, 1, 2], request('1'));
    b.pick([0, 1, 2], request('2'));
    // Third round: a=-4+5, b=2+1, c=2+1 → b wins the tie with c by config order.
    expect(b.pick([0, 1, 2], request('3')).reason).toBe('smooth WRR: current weights a=1 b=3 c=3 → b (highest; it then gives back the total 7)');
  });

  it('an ineligible peer gains no current weight while it sits out', () => {
    const hosts = named(1, 1, 1);
    const b = createBalancer(WRR, hosts);
    // b is down for three picks: a and c alternate, b's current weight stays 0.
    expect(sequence(b, hosts, [0, 2], 3).join(' ')).toBe('a c a');
    const peers = b.snapshot().peers as Array<{ currentWeight: number }>;
    expect(peers.map((p) => p.currentWeight)).toEqual([-1, 0, 1]);
    // Back: a=0, b=1, c=2 → c; then a=1, b=2, c=-1 → b; then a=2, b=0, c=0 → a.
    expect(sequence(b, hosts, [0, 1, 2], 3).join(' ')).toBe('c b a');
  });

  it('a failure drops effective weight by weight/max_fails and it climbs back by one per pick', () => {
    const hosts = named(5, 1, 1);
    const b = createBalancer(WRR, hosts);
    b.finished(0, { failed: true, rttMs: 5, now: 0 });
    // effective a: 0 → picks contribute a=0,1,2,3,4 (incrementing after each), b=c=1 each time.
    // r1: a=0 b=1 c=1 → b (total 2); r2: a=1 b=0 c=2 → c (total 3); r3: a=3 b=1 c=0 → a (total 4);
    // r4: a=2 b=2 c=1 → a (total 5); r5: a=1 b=3 c=2 → b (total 6); r6 (a back at 5): a=6 b=-2 c=3 → a.
    expect(sequence(b, hosts, [0, 1, 2], 6).join(' ')).toBe('b c a a b a');
    expect(b.snapshot().peers).toMatchObject([{ effectiveWeight: 5 }, { effectiveWeight: 1 }, { effectiveWeight: 1 }]);
  });

  it('max_fails=2 halves the penalty (integer division, as nginx); max_fails=0 disables it', () => {
    const hosts = named(5, 1);
    const two = createBalancer(WRR, hosts, { maxFails: 2 });
    two.finished(0, { failed: true, rttMs: 1, now: 0 });
    expect(two.snapshot().peers).toMatchObject([{ effectiveWeight: 3 }, { effectiveWeight: 1 }]);
    two.finished(0, { failed: true, rttMs: 1, now: 0 });
    two.finished(0, { failed: true, rttMs: 1, now: 0 });
    expect(two.snapshot().peers).toMatchObject([{ effectiveWeight: 0 }, { effectiveWeight: 1 }]);
    const off = createBalancer(WRR, hosts, { maxFails: 0 });
    off.finished(0, { failed: true, rttMs: 1, now: 0 });
    expect(off.snapshot().peers).toMatchObject([{ effectiveWeight: 5 }, { effectiveWeight: 1 }]);
  });

  it('shares follow the weights exactly over a full cycle', () => {
    const b = createBalancer(WRR, named(3, 2, 1));
    expect(tally(b, 3, 600)).toEqual([300, 200, 100]);
  });
});
