import { describe, expect, it } from 'vitest';
import { createBalancer } from './index.ts';
import { named, request, sequence } from './test-kit.ts';

const LC = { kind: 'least-connections' } as const;

describe('least connections: nginx least_conn (semantics §10)', () => {
  it('equal weights, requests held open: the fewest connections win, ties go by smooth WRR', () => {
    const hosts = named(1, 1, 1);
    const b = createBalancer(LC, hosts);
    // 1: all 0, tie of 3 → SWRR a. 2: b,c tie → SWRR among them → b. 3: c alone. 4: all 1, tie of
    // 3, SWRR remembers a=-1 b=1 c=3 → c. 5: a,b tie → b. 6: a alone. 7: all 2, SWRR a=1 b=1 c=1 → a.
    expect(sequence(b, hosts, [0, 1, 2], 7, true).join(' ')).toBe('a b c c b a a');
  });

  it('weights compare connections per weight by cross-multiplication', () => {
    const hosts = named(1, 2);
    const b = createBalancer(LC, hosts);
    // 0/1 vs 0/2 tie → SWRR b; 0/1 < 1/2 → a; 1/1 > 1/2 → b; 1/1 = 2/2 tie → SWRR a;
    // 2/1 > 2/2 → b; 2/1 > 3/2 → b; 2/1 = 4/2 tie → SWRR b.
    expect(sequence(b, hosts, [0, 1], 7, true).join(' ')).toBe('b a b a b b b');
  });

  it('a finished request frees its host', () => {
    const hosts = named(1, 1, 1);
    const b = createBalancer(LC, hosts);
    sequence(b, hosts, [0, 1, 2], 3, true);
    b.finished(1, { failed: false, rttMs: 3, now: 10 });
    const pick = b.pick([0, 1, 2], request('next'));
    expect(pick.index).toBe(1);
    expect(pick.reason).toBe('least_conn: connections/weight a=1/1 b=0/1 c=1/1 → b (lowest)');
  });

  it('skips ineligible hosts even when they are idle', () => {
    const hosts = named(1, 1, 1);
    const b = createBalancer(LC, hosts);
    b.started(0);
    b.started(0);
    expect(b.pick([0, 2], request('x')).index).toBe(2);
  });

  it('a tie names the smooth-WRR round that broke it', () => {
    const hosts = named(3, 1);
    const b = createBalancer(LC, hosts);
    expect(b.pick([0, 1], request('x')).reason).toBe(
      'least_conn: connections/weight a=0/3 b=0/1; 2 tie at the lowest, smooth WRR among them: current weights a=3 b=1 → a',
    );
  });

  it('counts never go below zero', () => {
    const hosts = named(1, 1);
    const b = createBalancer(LC, hosts);
    b.finished(0, { failed: false, rttMs: 1, now: 0 });
    expect(b.snapshot().peers).toMatchObject([{ active: 0 }, { active: 0 }]);
  });
});
