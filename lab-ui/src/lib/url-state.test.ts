import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './url-state.ts';

describe('url state', () => {
  it('round-trips everything a person would share', () => {
    const state = { scenario: 'boundary-burst', variants: ['base', 'same-window'], seed: 7, t: 62_000, req: { variant: 'same-window', id: 'burster-101' }, tab: 'inspector' };
    const hash = formatHash(state);
    expect(hash).toBe('#s=boundary-burst&v=base,same-window&seed=7&t=62000&req=same-window/burster-101&tab=inspector');
    expect(parseHash(hash)).toEqual(state);
  });
  it('carries the panel chart by its stable id', () => {
    const state = { scenario: 'kong-bottleneck', variants: ['base', 'overload'], chart: 'latency' };
    expect(formatHash(state)).toBe('#s=kong-bottleneck&v=base,overload&chart=latency');
    expect(parseHash('#s=kong-bottleneck&v=base,overload&chart=latency')).toEqual(state);
  });
  it('ignores what it cannot read', () => {
    expect(parseHash('#s=x&seed=abc&t=&req=nope')).toEqual({ scenario: 'x' });
    expect(parseHash('')).toEqual({});
    expect(formatHash({})).toBe('');
  });
});
