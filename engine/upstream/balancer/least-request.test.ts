import { describe, expect, it } from 'vitest';
import { createBalancer } from './index.ts';
import { named, request, scripted, tally } from './test-kit.ts';

const P2C = { kind: 'least-request', choiceCount: 2, activeRequestBias: 1 } as const;

describe('least request: Envoy LEAST_REQUEST (semantics §10)', () => {
  it('equal weights: the sample with fewer active requests wins', () => {
    const hosts = named(1, 1, 1, 1);
    const b = createBalancer(P2C, hosts);
    b.started(0);
    b.started(0);
    b.started(3);
    // 0.1 → index 0 (a), 0.9 → index 3 (d).
    const pick = b.pick([0, 1, 2, 3], scripted({ 'lb-p2c': [0.1, 0.9] }));
    expect(pick).toEqual({ index: 3, reason: 'least request, P2C: sampled a (2 active), d (1 active) → d (fewest active)' });
  });

  it('a tie stays with the first sample', () => {
    const b = createBalancer(P2C, named(1, 1, 1, 1));
    const pick = b.pick([0, 1, 2, 3], scripted({ 'lb-p2c': [0.9, 0.1] }));
    expect(pick.index).toBe(3);
    expect(pick.reason).toContain('tie kept by the first sample');
  });

  it('samples with replacement, as Envoy (random() % hosts each time)', () => {
    const b = createBalancer(P2C, named(1, 1, 1, 1));
    expect(b.pick([0, 1, 2, 3], scripted({ 'lb-p2c': [0.1, 0.2] })).reason).toBe('least request, P2C: sampled a (0 active), a (0 active) → a (fewest active)');
  });

  it('draws index into the eligible hosts, and choiceCount takes that many samples', () => {
    const b = createBalancer({ ...P2C, choiceCount: 3 }, named(1, 1, 1, 1, 1));
    b.started(1);
    b.started(3);
    // Eligible [1, 3, 4]: 0.1 → b, 0.5 → d, 0.9 → e (idle) wins.
    expect(b.pick([1, 3, 4], scripted({ 'lb-p2c': [0.1, 0.5, 0.9] })).index).toBe(4);
  });

  it('the same request and state give the same pick on a fresh balancer (draws keyed by request)', () => {
    const picks = (): number[] => {
      const b = createBalancer(P2C, named(1, 1, 1, 1, 1, 1));
      return Array.from({ length: 50 }, (_, k) => {
        const { index } = b.pick([0, 1, 2, 3, 4, 5], request(`id-${k}`));
        b.started(index);
        return index;
      });
    };
    expect(picks()).toEqual(picks());
  });

  it('P2C keeps held requests spread: after 600 picks over 6 hosts no host holds more than 4 above another', () => {
    const b = createBalancer(P2C, named(1, 1, 1, 1, 1, 1));
    const counts = [0, 0, 0, 0, 0, 0];
    for (let k = 0; k < 600; k++) {
      const { index } = b.pick([0, 1, 2, 3, 4, 5], request(`held-${k}`));
      b.started(index);
      counts[index] = (counts[index] ?? 0) + 1;
    }
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(4);
  });

  it('unequal weights: picks by weight/(active+1)^bias with a request-keyed draw', () => {
    const hosts = named(2, 1);
    const b = createBalancer(P2C, hosts);
    for (let k = 0; k < 3; k++) b.started(0);
    // a: 2/(3+1) = 0.5, b: 1/1 = 1 → a owns [0, 1/3) of the draw.
    expect(b.pick([0, 1], scripted({ 'lb-weighted': [0.3] })).index).toBe(0);
    const pick = b.pick([0, 1], scripted({ 'lb-weighted': [0.34] }));
    expect(pick).toEqual({ index: 1, reason: 'least request, unequal weights: weight/(active+1)^1 is a=0.5 b=1; a draw by those weights → b' });
  });

  it('bias 0 ignores active requests; bias 2 punishes them harder', () => {
    const zero = createBalancer({ ...P2C, activeRequestBias: 0 }, named(2, 1));
    for (let k = 0; k < 3; k++) zero.started(0);
    expect(zero.pick([0, 1], scripted({ 'lb-weighted': [0.6] })).index).toBe(0);
    const two = createBalancer({ ...P2C, activeRequestBias: 2 }, named(2, 1));
    two.started(0);
    // a: 2/2² = 0.5, b: 1 → a owns [0, 1/3).
    expect(two.pick([0, 1], scripted({ 'lb-weighted': [0.34] })).index).toBe(1);
  });

  it('idle hosts share by weight within 3 %', () => {
    const counts = tally(createBalancer(P2C, named(3, 1)), 2, 8000);
    expect(Math.abs((counts[0] ?? 0) / 8000 - 0.75)).toBeLessThan(0.03);
  });

  it('rejects choice_count below 2 as Envoy does', () => {
    expect(() => createBalancer({ ...P2C, choiceCount: 1 }, named(1, 1))).toThrow(/GL_E_CONFIG_INVALID/);
  });
});
