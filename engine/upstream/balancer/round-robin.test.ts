import { describe, expect, it } from 'vitest';
import { createBalancer } from './index.ts';
import { named, request, sequence } from './test-kit.ts';

const RR = { kind: 'round-robin' } as const;

describe('round robin: rotation over eligible hosts (semantics §10)', () => {
  it('rotates in config order and ignores weights', () => {
    const hosts = named(5, 1, 1);
    const b = createBalancer(RR, hosts);
    expect(sequence(b, hosts, [0, 1, 2], 7).join(' ')).toBe('a b c a b c a');
  });

  it('an ejected host loses its turns; the others keep their order', () => {
    const hosts = named(1, 1, 1, 1);
    const b = createBalancer(RR, hosts);
    expect(sequence(b, hosts, [0, 1, 2, 3], 2).join(' ')).toBe('a b');
    expect(sequence(b, hosts, [0, 2, 3], 4).join(' ')).toBe('c d a c');
    expect(sequence(b, hosts, [0, 1, 2, 3], 3).join(' ')).toBe('d a b');
  });

  it('says when it skipped hosts', () => {
    const hosts = named(1, 1, 1);
    const b = createBalancer(RR, hosts);
    expect(b.pick([0, 1, 2], request('1')).reason).toBe('round robin: next in turn is a');
    expect(b.pick([0, 2], request('2')).reason).toBe('round robin: next in turn is c (skipped 1 host that may not take this request)');
    expect(b.pick([1], request('3')).reason).toBe('round robin: next in turn is b (skipped 1 host that may not take this request)');
  });
});
